import { describe, expect, it } from 'vitest';
import { isKnownZone, offsetAtWallClock, wallClockAt } from '#shared/domain/zone-offset.ts';

describe('time-zone offsets at a wall clock', () => {
  it('follow summer time on both sides of a change', () => {
    expect(offsetAtWallClock('Europe/Berlin', '2024-03-30T12:00:00')).toBe('+01:00');
    expect(offsetAtWallClock('Europe/Berlin', '2024-03-31T12:00:00')).toBe('+02:00');
    expect(offsetAtWallClock('America/New_York', '2024-11-02T12:00:00')).toBe('-04:00');
    expect(offsetAtWallClock('America/New_York', '2024-11-04T12:00:00')).toBe('-05:00');
    // The southern summer: Sydney is on daylight time in January, not in July.
    expect(offsetAtWallClock('Australia/Sydney', '2024-01-15T12:00:00')).toBe('+11:00');
    expect(offsetAtWallClock('Australia/Sydney', '2024-07-15T12:00:00')).toBe('+10:00');
  });

  it('read the repeated hour as its first pass, and the skipped hour with the offset before the skip', () => {
    // Europe/London goes back from 02:00 BST to 01:00 GMT on 27 October 2024: 01:30 happens twice.
    expect(offsetAtWallClock('Europe/London', '2024-10-27T01:30:00')).toBe('+01:00');
    expect(offsetAtWallClock('Europe/London', '2024-10-27T02:30:00')).toBe('+00:00');
    // And jumps from 01:00 GMT to 02:00 BST on 31 March 2024: no clock showed 01:30.
    expect(offsetAtWallClock('Europe/London', '2024-03-31T01:30:00')).toBe('+00:00');
    expect(offsetAtWallClock('Europe/London', '2024-03-31T00:59:59')).toBe('+00:00');
    expect(offsetAtWallClock('Europe/London', '2024-03-31T02:00:00')).toBe('+01:00');
    expect(offsetAtWallClock('America/New_York', '2024-03-10T02:30:00')).toBe('-05:00');
    expect(offsetAtWallClock('America/New_York', '2024-11-03T01:30:00')).toBe('-04:00');
  });

  it('keep offsets that are not whole hours', () => {
    expect(offsetAtWallClock('Asia/Kathmandu', '2024-05-01T09:00:00')).toBe('+05:45');
    expect(offsetAtWallClock('Asia/Kolkata', '2024-05-01T09:00:00')).toBe('+05:30');
    expect(offsetAtWallClock('Australia/Darwin', '2024-01-15T09:00:00')).toBe('+09:30');
    // Adelaide is +09:30 in its winter and +10:30 in its summer.
    expect(offsetAtWallClock('Australia/Adelaide', '2024-07-15T09:00:00')).toBe('+09:30');
    expect(offsetAtWallClock('Australia/Adelaide', '2024-01-15T09:00:00')).toBe('+10:30');
    expect(offsetAtWallClock('Pacific/Chatham', '2024-07-15T09:00:00')).toBe('+12:45');
    expect(offsetAtWallClock('America/St_Johns', '2024-01-15T09:00:00')).toBe('-03:30');
  });

  it('use the rules of the year, not of today', () => {
    // Nepal moved from +05:30 to +05:45 in 1986.
    expect(offsetAtWallClock('Asia/Kathmandu', '1980-05-01T09:00:00')).toBe('+05:30');
  });
});

describe('the wall clock at a UTC instant', () => {
  it('is the zone’s, with the offset of that instant', () => {
    expect(wallClockAt('Asia/Tokyo', Date.parse('2024-07-01T10:00:00Z'))).toEqual({
      local: '2024-07-01T19:00:00',
      offset: '+09:00',
    });
    expect(wallClockAt('America/Los_Angeles', Date.parse('2024-01-01T03:00:00.250Z'))).toEqual({
      local: '2023-12-31T19:00:00.250',
      offset: '-08:00',
    });
    expect(wallClockAt('Asia/Kathmandu', Date.parse('2024-01-01T00:00:00Z')).offset).toBe('+05:45');
  });
});

describe('zone names', () => {
  it('are known only when the runtime has them', () => {
    expect(isKnownZone('Europe/Paris')).toBe(true);
    expect(isKnownZone('Etc/GMT+3')).toBe(true);
    expect(isKnownZone('Mars/Olympus_Mons')).toBe(false);
  });
});
