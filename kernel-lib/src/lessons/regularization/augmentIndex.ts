/** Stub of the public names of lesson 08's augmentation part (helper D delivers the real file). */
export {};
