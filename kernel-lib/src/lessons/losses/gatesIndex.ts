/** STUB (the partner's gates part replaces this file at merge): the public names of lesson 12's gates part. */
export {};
