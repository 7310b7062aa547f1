import { describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';

describe('poolConfigFromUrl', () => {
  it('splits a full URL into discrete fields', () => {
    expect(poolConfigFromUrl('postgresql://alice:secret@db.example.com:6543/portal')).toEqual({
      host: 'db.example.com',
      port: 6543,
      user: 'alice',
      password: 'secret',
      database: 'portal',
      ssl: undefined,
      options: undefined,
    });
  });

  it('does not pass a connection string on (adapter-pg would reuse it for the shadow database)', () => {
    expect(poolConfigFromUrl('postgresql://a:b@h/d')).not.toHaveProperty('connectionString');
  });

  it('accepts the postgres:// scheme too', () => {
    expect(poolConfigFromUrl('postgres://a:b@localhost:5433/db')).toMatchObject({ host: 'localhost', port: 5433 });
  });

  it('no port → 5432', () => {
    expect(poolConfigFromUrl('postgresql://a:b@localhost/db').port).toBe(5432);
  });

  it('no database → "postgres"', () => {
    expect(poolConfigFromUrl('postgresql://a:b@localhost:5432').database).toBe('postgres');
    expect(poolConfigFromUrl('postgresql://a:b@localhost:5432/').database).toBe('postgres');
  });

  it('percent-encoded user, password and database are decoded', () => {
    const config = poolConfigFromUrl('postgresql://us%40er:p%3Ass%2Fw%40rd%20%25@localhost/my%20db%2F%C3%A9');
    expect(config).toMatchObject({ user: 'us@er', password: 'p:ss/w@rd %', database: 'my db/é' });
  });

  it('no credentials → empty user and password', () => {
    expect(poolConfigFromUrl('postgresql://localhost/db')).toMatchObject({ user: '', password: '' });
  });

  it.each([
    ['no sslmode', '', undefined],
    ['sslmode=disable', '?sslmode=disable', undefined],
    ['sslmode=require', '?sslmode=require', { rejectUnauthorized: false }],
    ['sslmode=prefer', '?sslmode=prefer', { rejectUnauthorized: false }],
    ['sslmode=verify-full', '?sslmode=verify-full', { rejectUnauthorized: true }],
  ])('%s → ssl %j', (_label, query, ssl) => {
    expect(poolConfigFromUrl(`postgresql://a:b@h/db${query}`).ssl).toEqual(ssl);
  });

  it('schema=tenant → options "-c search_path=tenant"', () => {
    expect(poolConfigFromUrl('postgresql://a:b@h/db?schema=tenant').options).toBe('-c search_path=tenant');
  });

  it('schema and sslmode together', () => {
    expect(poolConfigFromUrl('postgresql://a:b@h/db?sslmode=verify-full&schema=s1')).toMatchObject({
      ssl: { rejectUnauthorized: true },
      options: '-c search_path=s1',
    });
  });

  it('no schema → no options', () => {
    expect(poolConfigFromUrl('postgresql://a:b@h/db?sslmode=disable').options).toBeUndefined();
  });

  it('an invalid URL throws', () => {
    expect(() => poolConfigFromUrl('not a url')).toThrow();
  });

  // Bug (lib/db/pg-adapter.ts:10): URL.hostname keeps the brackets of an IPv6 literal, so
  // host is "[::1]", which net.connect cannot resolve. Expected "::1".
  it('IPv6 host "[::1]" → host "::1" (without brackets)', () => {
    expect(poolConfigFromUrl('postgresql://a:b@[::1]:5432/db').host).toBe('::1');
  });

  // Bug (lib/db/pg-adapter.ts:15): sslmode=verify-ca maps to rejectUnauthorized: false, so the
  // server certificate is not verified at all; libpq's verify-ca checks the CA chain (only the
  // host name check is skipped).
  it('sslmode=verify-ca → certificate chain is verified', () => {
    expect(poolConfigFromUrl('postgresql://a:b@h/db?sslmode=verify-ca').ssl).toMatchObject({
      rejectUnauthorized: true,
    });
  });
});
