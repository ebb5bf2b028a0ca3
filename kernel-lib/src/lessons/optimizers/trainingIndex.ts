// Stub: lesson 07's second part (helper B) exports its names here; replaced at merge.
export {};
