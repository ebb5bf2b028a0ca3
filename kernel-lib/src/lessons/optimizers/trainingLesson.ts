/** Stub of lesson 07's second part (helper B's training experiments replace it at merge). */
export const TRAINING_COMMANDS = {};
export const TRAINING_EXPERIMENTS = {};
export const TRAINING_SHOW = {};
