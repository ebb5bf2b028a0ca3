export const HOMEWORK_06 = [] as const;
