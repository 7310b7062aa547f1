import type { z } from 'zod';
import type { ErrorDetails } from '@/lib/error-codes';
import { invalidInput } from '@/lib/errors';

/** The codes whose details are validationDetails. */
export type ValidationCode =
  'invalid_request' | 'invalid_user' | 'invalid_password' | 'invalid_locale' | 'invalid_filter' | 'invalid_search';

type Rule =
  | 'required'
  | 'type'
  | 'too_short'
  | 'too_long'
  | 'too_small'
  | 'too_big'
  | 'one_of'
  | 'format'
  | 'time_zone'
  | 'invalid';
/** The rules a custom issue may name in its params (see customRule). */
const CUSTOM_RULES: ReadonlySet<string> = new Set(['too_long', 'time_zone'] satisfies Rule[]);

type RuleOf = { rule: Rule; bound?: number; values?: string; unit?: 'bytes'; expected?: string; received?: string };

/**
 * The parse options every API input is checked with: issues keep the value they refused, so an
 * `invalid_type` can tell a field that is missing (`required`) from one of the wrong type (`type`).
 */
export const REPORT_INPUT = { reportInput: true } as const;

/** A JSON value's type as the API names it: string, number, boolean, null, array, object (else typeof). */
export const jsonTypeOf = (value: unknown) => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';

  return typeof value;
};

// How the English issue names a type (zod's `expected`, or jsonTypeOf of what was sent).
const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};
const typeWords = (type: string) => TYPE_WORDS[type] ?? type;

/** A value sent with the wrong type (the issue carries its input: parsed with REPORT_INPUT). */
const isWrongType = (issue: z.core.$ZodIssue): issue is z.core.$ZodIssueInvalidType =>
  issue.code === 'invalid_type' && 'input' in issue && issue.input !== undefined;

/**
 * A custom issue (refine/superRefine) says its rule in `params`: `{ rule, bound?, unit? }` with
 * rule 'too_long' (a password's bytes) or 'time_zone' (not an IANA time zone); else 'invalid'.
 */
const customRule = (params: Record<string, unknown> | undefined): RuleOf => {
  const rule = params?.rule;
  if (typeof rule !== 'string' || !CUSTOM_RULES.has(rule)) return { rule: 'invalid' };

  return {
    rule: rule as Rule,
    ...(typeof params?.bound === 'number' ? { bound: params.bound } : {}),
    ...(params?.unit === 'bytes' ? { unit: 'bytes' as const } : {}),
  };
};

const ruleOf = (issue: z.core.$ZodIssue): RuleOf => {
  switch (issue.code) {
    case 'custom':
      return customRule(issue.params);
    case 'invalid_type':
      return isWrongType(issue)
        ? { rule: 'type', expected: issue.expected, received: jsonTypeOf(issue.input) }
        : { rule: 'required' };
    case 'too_small':
      return { rule: issue.origin === 'string' ? 'too_short' : 'too_small', bound: Number(issue.minimum) };
    case 'too_big':
      return { rule: issue.origin === 'string' ? 'too_long' : 'too_big', bound: Number(issue.maximum) };
    case 'invalid_value':
      return { rule: 'one_of', values: issue.values.map((value) => String(value)).join(', ') };
    case 'invalid_format':
      return { rule: 'format' };
    default:
      return { rule: 'invalid' };
  }
};

const fieldOf = (issue: z.core.$ZodIssue) => issue.path.join('.') || 'body';

/**
 * One issue in English: the schema's wording, except for a value of the wrong type, whose
 * schema message (often "is required") would be wrong: "name must be a string, not a number."
 */
const englishOf = (issue: z.core.$ZodIssue, withPath: boolean) => {
  if (isWrongType(issue)) {
    const wording = `must be ${typeWords(issue.expected)}, not ${typeWords(jsonTypeOf(issue.input))}.`;

    return withPath ? `${fieldOf(issue)}: ${wording}` : `${fieldOf(issue)} ${wording}`;
  }

  return withPath ? `${fieldOf(issue)}: ${issue.message}` : issue.message;
};

/**
 * A zod refusal as API error details (the validation codes in lib/error-codes.ts): `problem`,
 * every issue in English as the schemas word them ("The password must be at least 8
 * characters."; a value of the wrong type "name must be a string, not a number."), the error's
 * message; and the first issue as data for the other languages: `field` (its path, "body" for
 * the whole), `rule` (required: absent; type: sent with the wrong type, with `expected` as zod
 * names it — string, number, int, boolean, object, array… — and `received`, the JSON type sent:
 * string, number, boolean, null, array, object; too_short, too_long, too_small, too_big,
 * one_of, format, time_zone, invalid), `bound` (the minimum or maximum), `unit` ('bytes' when
 * the bound counts UTF-8 bytes rather than characters) and `values` (the allowed ones,
 * comma-separated). `withPath` prefixes each English issue with its path ("name: …").
 * Telling `required` from `type` needs the refused values: parse with REPORT_INPUT (without
 * them, every invalid_type is `required`).
 */
export const validationDetails = (error: z.ZodError, { withPath = false } = {}) => {
  const [first] = error.issues;
  const problem = error.issues.map((issue) => englishOf(issue, withPath)).join(' ');
  const details: ErrorDetails<'invalid_request'> & { problem: string } = {
    problem,
    field: first ? fieldOf(first) : 'body',
    ...(first ? ruleOf(first) : { rule: 'invalid' }),
  };

  return details;
};

/** 400 `code` for a zod refusal: the English issues as the message, validationDetails as details. */
export const invalidInputOf = (code: ValidationCode, error: z.ZodError, options: { withPath?: boolean } = {}) => {
  const details = validationDetails(error, options);

  return invalidInput(code, details.problem, details);
};
