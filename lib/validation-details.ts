import type { z } from 'zod';
import type { ErrorDetails } from '@/lib/error-codes';
import { invalidInput } from '@/lib/errors';

/** The codes whose details are validationDetails. */
export type ValidationCode =
  'invalid_request' | 'invalid_user' | 'invalid_password' | 'invalid_locale' | 'invalid_filter' | 'invalid_search';

type Rule =
  'required' | 'too_short' | 'too_long' | 'too_small' | 'too_big' | 'one_of' | 'format' | 'time_zone' | 'invalid';
/** The rules a custom issue may name in its params (see customRule). */
const CUSTOM_RULES: ReadonlySet<string> = new Set(['too_long', 'time_zone'] satisfies Rule[]);

type RuleOf = { rule: Rule; bound?: number; values?: string; unit?: 'bytes' };

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
      return { rule: 'required' };
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

/**
 * A zod refusal as API error details (the validation codes in lib/error-codes.ts): `problem`,
 * every issue in English as the schemas word them ("The password must be at least 8
 * characters."), the error's message; and the first issue as data for the other languages:
 * `field` (its path, "body" for the whole), `rule` (required, too_short, too_long, too_small,
 * too_big, one_of, format, time_zone, invalid), `bound` (the minimum or maximum), `unit` ('bytes' when the
 * bound counts UTF-8 bytes rather than characters) and `values` (the allowed ones, comma-separated). `withPath` prefixes each English issue with its path ("name: …").
 */
export const validationDetails = (error: z.ZodError, { withPath = false } = {}) => {
  const [first] = error.issues;
  const problem = error.issues
    .map((issue) => (withPath ? `${issue.path.join('.') || 'body'}: ${issue.message}` : issue.message))
    .join(' ');
  const details: ErrorDetails<'invalid_request'> & { problem: string } = {
    problem,
    field: first?.path.join('.') || 'body',
    ...(first ? ruleOf(first) : { rule: 'invalid' }),
  };

  return details;
};

/** 400 `code` for a zod refusal: the English issues as the message, validationDetails as details. */
export const invalidInputOf = (code: ValidationCode, error: z.ZodError, options: { withPath?: boolean } = {}) => {
  const details = validationDetails(error, options);

  return invalidInput(code, details.problem, details);
};
