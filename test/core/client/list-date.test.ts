import * as assert from 'node:assert/strict';
import { parseList } from 'basic-ftp';
import { parseListDate, toRemoteEntry } from '../../../src/core/client/remote-entry';

const now = new Date(Date.UTC(2024, 10, 22, 12, 0));
const iso = (d: Date | undefined) => d?.toISOString();

describe('client: dates of LIST entries', () => {
  it('reads recent Unix dates in the year that is not in the future', () => {
    assert.equal(iso(parseListDate('Nov 22 00:45', now)), '2024-11-22T00:45:00.000Z');
    assert.equal(iso(parseListDate('Nov 23 09:00', now)), '2024-11-23T09:00:00.000Z', 'a clock a few hours ahead is still this year');
    assert.equal(iso(parseListDate('Dec 24 18:30', now)), '2023-12-24T18:30:00.000Z');
    assert.equal(iso(parseListDate('22 Nov 00:45', now)), '2024-11-22T00:45:00.000Z');
  });

  it('reads dates with a year, ISO-like and DOS dates', () => {
    assert.equal(iso(parseListDate('Jan  5  2019', now)), '2019-01-05T00:00:00.000Z');
    assert.equal(iso(parseListDate('2023-07-01 13:05', now)), '2023-07-01T13:05:00.000Z');
    assert.equal(iso(parseListDate('11-22-23 12:45AM', now)), '2023-11-22T00:45:00.000Z');
    assert.equal(iso(parseListDate('12-05-96 05:03PM', now)), '1996-12-05T17:03:00.000Z');
    assert.equal(iso(parseListDate('12-05-2001 17:03', now)), '2001-12-05T17:03:00.000Z');
  });

  it('gives up on what it does not know', () => {
    assert.equal(parseListDate(undefined, now), undefined);
    assert.equal(parseListDate('', now), undefined);
    assert.equal(parseListDate('Foo 22 00:45', now), undefined);
    assert.equal(parseListDate('11月 22日 00:45', now), undefined);
  });

  it('dates LIST entries (MLSD entries keep their exact time)', () => {
    const [unix] = parseList('-rw-r--r--    1 1000     1000           12 Jan  5  2019 hello.txt');
    assert.equal(iso(toRemoteEntry(unix, '/').modifiedAt), '2019-01-05T00:00:00.000Z');
    const [mlsd] = parseList('type=file;size=1;modify=20200102030405; a.txt');
    assert.equal(iso(toRemoteEntry(mlsd, '/').modifiedAt), '2020-01-02T03:04:05.000Z');
  });
});
