/** Lesson 08's augmentation ops now live in nets/augment (lesson 11 trains with them too); this module re-exports them. */
export * from '../../nets/augment';
