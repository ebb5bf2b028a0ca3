/**
 * The generated bad-input test (issue 17): every experiment in the lesson registry and every
 * CLI command is fed the matrix of values its own declaration rejects — missing, negative, zero,
 * NaN, Infinity, huge, wrong type, unknown key, repeated option — and must answer at once with an
 * ArgumentError (library) or exit status 2 (CLI) whose message names the option. The values come
 * from the declarations (core/options.ts), so a new option or experiment is covered the day it is
 * declared, and an option without an upper bound cannot be declared at all.
 */
import { test } from 'node:test';
import * as path from 'path';
import { notebooksDir } from '../src/core/paths';
import { GRADE_OPTIONS, GradeOptions, gradeSubmissions } from '../src/homework/grade';
import assert from 'node:assert/strict';
import { ArgumentError } from '../src/core/errors';
import type { Field } from '../src/core/options';
import { lessonExperiments, LESSONS } from '../src/lessons/registry';
import { COMMANDS } from '../src/cli/main';
import { cliInProcess } from './helpers';
import { blobs, BLOBS_OPTIONS, CLOUD_OPTIONS, correlatedCloud, IMAGES_OPTIONS, randomImages, spiral, SPIRAL_OPTIONS } from '../src/data/synthetic';

/** How long a rejection may take: a bad value must fail before any work starts. */
const FAST_MS = 3000;

/** Values `field` rejects, with a label for the test name. */
export function badValues(field: Field): [string, unknown][] {
  const out: [string, unknown][] = [];
  const optional = field.default === null;
  if (!optional) out.push(['null', null]);
  out.push(['an object', { value: 1 }]);
  switch (field.kind) {
    case 'int': case 'seed': {
      const min = field.min as number;
      const max = field.max as number;
      out.push(['a string', '3'], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['true', true], ['a fraction', min + 0.5]);
      out.push([`below min (${min - 1})`, min - 1]);
      if (min > 0) out.push(['zero', 0], ['negative', -1]);
      out.push([`above max (${max + 1})`, max >= Number.MAX_SAFE_INTEGER ? 2 ** 53 : max + 1]);
      if (max < 1e9) out.push(['huge (1e9)', 1e9]);
      break;
    }
    case 'number': case 'probability': {
      const min = field.min as number;
      const max = field.max as number;
      out.push(['a string', '0.5'], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['true', true]);
      out.push([`below min`, min - Math.max(1, Math.abs(min))], [`above max`, max + Math.max(1, Math.abs(max))]);
      if (max < 1e9) out.push(['huge (1e9)', 1e9]);
      break;
    }
    case 'oneOf':
      out.push(['an unknown name', 'bogus'], ['a number', 42], ['empty', ''], ['in other case', (field.values as string[])[0].toUpperCase() === (field.values as string[])[0] ? (field.values as string[])[0].toLowerCase() + '_' : (field.values as string[])[0].toUpperCase()]);
      break;
    case 'boolean':
      out.push(['a string', 'true'], ['a number', 1]);
      break;
    case 'list': {
      const of = field.of as Field;
      out.push(['a number', 5], ['too long', new Array((field.max as number) + 1).fill(of.default ?? firstGood(of))]);
      if ((field.min as number) > 0) out.push(['empty', []]);
      const elementBad = badValues(of).find(([label]) => label !== 'null') as [string, unknown];
      out.push([`an element ${elementBad[0]}`, [elementBad[1]]]);
      break;
    }
    case 'range':
      out.push(['reversed', [1, 0]], ['NaN inside', [NaN, 1]], ['a number', 5], ['three values', [0, 1, 2]], ['huge', [0, Infinity]]);
      break;
    case 'custom':
      for (const [i, v] of (field.bad ?? []).entries()) out.push([`bad value ${i}`, v]);
      break;
  }
  return out;
}

function firstGood(field: Field): unknown {
  if (field.default !== undefined && field.default !== null) return field.default;
  if (field.kind === 'seed') return 1;
  if (field.values) return field.values[0];
  if (field.min !== undefined) return field.min;
  return 1;
}

/** Runs `f` and resolves to what it threw, or fails the test when it does not throw in time. */
async function rejection(what: string, f: () => unknown): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no error within ${FAST_MS} ms`)), FAST_MS); });
  try {
    await Promise.race([Promise.resolve().then(f), timeout]);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(`${what}: no error within`)) throw err;
    return err;
  } finally {
    clearTimeout(timer);
  }
  assert.fail(`${what}: accepted (expected an ArgumentError)`);
}

/** The registry's experiments, and the library's generators that take options the same way. */
const EXPERIMENTS: Record<string, { run(options?: unknown): unknown; options: { fields: object } }> = {
  ...lessonExperiments(),
  'data.spiral': { run: spiral, options: SPIRAL_OPTIONS },
  'data.blobs': { run: blobs, options: BLOBS_OPTIONS },
  'data.correlatedCloud': { run: correlatedCloud, options: CLOUD_OPTIONS },
  'data.randomImages': { run: randomImages, options: IMAGES_OPTIONS },
  // a real submission, so that only the options are wrong (a bad value must fail before a kernel starts)
  'homework.gradeSubmissions': { run: (o) => gradeSubmissions([path.join(notebooksDir(), 'homework', 'hw03-weight-init.ipynb')], o as GradeOptions), options: GRADE_OPTIONS },
};
test('every lesson with an experiment CLI command declares its experiments', () => {
  for (const lesson of LESSONS) {
    if (Object.keys(lesson.commands).length > 0) assert.ok(Object.keys(lesson.experiments).length > 0, `${lesson.id} declares no experiments`);
  }
});

for (const [name, experiment] of Object.entries(EXPERIMENTS)) {
  test(`bad input matrix: ${name}`, async (t) => {
    const problems: string[] = [];
    let cases = 0;
    const expectArgumentError = async (what: string, options: unknown, argument: string) => {
      cases += 1;
      const err = await rejection(what, () => experiment.run(options));
      if (!(err instanceof ArgumentError)) problems.push(`${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      else if (!err.message.includes(argument)) problems.push(`${what}: message does not name ${argument}: ${err.message}`);
    };
    for (const notObject of [null, 42, 'x', [1]]) await expectArgumentError(`${name}(${JSON.stringify(notObject)})`, notObject, name.replace(/^\w+\./, ''));
      await expectArgumentError(`${name}({ bogus: 1 })`, { bogus: 1 }, 'bogus');
    const fields = experiment.options.fields as Record<string, Field>;
    // the options an experiment requires (a generator's seed) get a good value, so each case tests one option
    const required = Object.fromEntries(Object.entries(fields).filter(([, f]) => f.default === undefined).map(([k, f]) => [k, firstGood(f)]));
    for (const [key, field] of Object.entries(fields)) {
      for (const [label, value] of badValues(field)) await expectArgumentError(`${name}({ ${key}: ${label} })`, { ...required, [key]: value }, key);
    }
    t.diagnostic(`${cases} bad inputs, ${cases - problems.length} answered well`);
    assert.deepEqual(problems, []);
  });
}

const cli = (argv: string[]) => cliInProcess(argv, FAST_MS);

/** Text forms a declared CLI option rejects. */
function badTexts(field: Field): string[] {
  const texts = ['', 'x', 'NaN', 'Infinity', '0x10', '1,5%'];
  switch (field.kind) {
    case 'int': case 'seed':
      texts.push(String((field.min as number) - 1), '1.5', '1e3', field.max !== undefined && field.max < Number.MAX_SAFE_INTEGER ? String(field.max + 1) : '9007199254740993');
      break;
    case 'number': case 'probability':
      texts.push(String((field.min as number) - Math.max(1, Math.abs(field.min as number))), String((field.max as number) + Math.max(1, Math.abs(field.max as number))), '1e999');
      break;
    case 'range':
      texts.push('1,0', '5', '0,1,2', '0,1e999');
      break;
  }
  return texts;
}

for (const [name, command] of Object.entries(COMMANDS)) {
  test(`bad input matrix: nnlab ${name}`, async (t) => {
    const problems: string[] = [];
    let cases = 0;
    const expectUsage = async (argv: string[], names: string) => {
      cases += 1;
      const r = await cli(argv);
      if (r.status !== 2) problems.push(`nnlab ${argv.join(' ')}: exit ${r.status === -1 ? `(still running after ${FAST_MS} ms)` : r.status}, expected 2`);
      else if (!r.stderr.includes(names)) problems.push(`nnlab ${argv.join(' ')}: message does not name ${names}: ${r.stderr.split('\n')[0]}`);
    };
    await expectUsage([name, '--bogus-option'], '--bogus-option');
    for (const flag of command.spec.flags ?? []) await expectUsage([name, `--${flag}`, `--${flag}`], `--${flag}`);
    for (const [option, allowed] of Object.entries(command.spec.options ?? {})) {
      const good = Array.isArray(allowed) ? allowed[0] : allowed ? String(firstGood(allowed as Field)) : 'x';
      await expectUsage([name, `--${option}`, good, `--${option}`, good], `--${option}`);
      await expectUsage([name, `--${option}`], `--${option}`);
      if (Array.isArray(allowed)) await expectUsage([name, `--${option}`, 'bogus-value'], `--${option}`);
      else if (allowed) for (const text of badTexts(allowed as Field)) await expectUsage([name, `--${option}=${text}`], `--${option}`);
    }
    t.diagnostic(`${cases} bad inputs, ${cases - problems.length} answered well`);
    assert.deepEqual(problems, []);
  });
}
