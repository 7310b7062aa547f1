/**
 * The password rules as plain numbers, safe to import in client components (lib/users/passwords.ts
 * holds the checks and bcrypt).
 */

/** A password is at least this many characters. */
export const PASSWORD_MIN_LENGTH = 8;
/**
 * bcrypt reads only the first 72 bytes of a password: more would be silently cut (two passwords
 * sharing those bytes would both sign in). So a password is at most this many UTF-8 bytes (72
 * ASCII characters; an "ä" takes 2 bytes, a Chinese character 3, an emoji 4).
 */
export const PASSWORD_MAX_BYTES = 72;
