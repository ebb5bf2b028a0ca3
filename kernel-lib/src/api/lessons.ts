/**
 * `nn.listLessons()`: the lessons of the registry as plain rows (notebook, title, summary, the
 * `nn.` namespace, CLI commands, homework), the same list `nnlab list` prints.
 *
 * @example
 * nn.table(nn.listLessons().map((l) => ({ notebook: l.name, title: l.title })));
 */
export { lessonRows as listLessons } from '../lessons/registry';
export type { LessonRow } from '../lessons/registry';
