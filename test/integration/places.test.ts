import { describe, expect, it } from 'vitest';
import { api } from '#test/helpers/api.ts';
import { photoAt } from '#test/helpers/geo-photos.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey } from '#test/helpers/uploads.ts';

const stack = useLocalStack();

const upload = async (bytes: Buffer) => {
  const key = await newKey();
  const { status, body } = await directUpload(stack().apiUrl, key, bytes, 'place.jpg');
  expect(status, JSON.stringify(body)).toBe(201);
  const { body: full } = await api(stack().apiUrl, key).get(`/api/assets/${body.id}?include=metadata`);
  const { city, state, country, country_code, timezone, original_datetime } = full.metadata;
  return { place: { city, state, country, country_code, timezone }, original_datetime, local: body.local_datetime };
};

const place = (
  city: string | null,
  state: string | null,
  country: string | null,
  code: string | null,
  zone: string,
) => ({
  city,
  state,
  country,
  country_code: code,
  timezone: zone,
});

// Every name below was written by hand after checking the point on a map.
const CASES: { name: string; at: [number, number]; expected: ReturnType<typeof place> }[] = [
  { name: 'Europe', at: [48.8566, 2.3522], expected: place('Paris', 'Île-de-France', 'France', 'FR', 'Europe/Paris') },
  {
    name: 'North America, west of Greenwich',
    at: [40.7128, -74.006],
    expected: place('New York City', 'New York', 'United States of America', 'US', 'America/New_York'),
  },
  {
    name: 'South America, south and west',
    at: [-23.5505, -46.6333],
    expected: place('São Paulo', 'São Paulo', 'Brazil', 'BR', 'America/Sao_Paulo'),
  },
  { name: 'Asia', at: [35.6812, 139.7671], expected: place('Tokyo', 'Tokyo', 'Japan', 'JP', 'Asia/Tokyo') },
  {
    name: 'Africa',
    at: [-1.2864, 36.8172],
    expected: place('Nairobi', 'Nairobi County', 'Kenya', 'KE', 'Africa/Nairobi'),
  },
  {
    name: 'Oceania',
    at: [-33.8688, 151.2093],
    expected: place('Sydney', 'New South Wales', 'Australia', 'AU', 'Australia/Sydney'),
  },
  {
    name: '2.3 km inside Belgium, nearer the Dutch town of Putte',
    at: [51.3444, 4.4282],
    expected: place('Kapellen', 'Flanders', 'Belgium', 'BE', 'Europe/Brussels'),
  },
  {
    name: 'the Libyan desert, no town within 25 km',
    at: [23, 22],
    expected: place(null, null, 'Libya', 'LY', 'Africa/Tripoli'),
  },
  { name: 'the open Atlantic', at: [30, -40], expected: place(null, null, null, null, 'Etc/GMT+3') },
  {
    name: 'Fiji, east of the antimeridian',
    at: [-16.85, 179.99],
    expected: place(null, null, 'Fiji', 'FJ', 'Pacific/Fiji'),
  },
  {
    name: 'Fiji, west of the antimeridian',
    at: [-16.85, -179.99],
    expected: place(null, null, 'Fiji', 'FJ', 'Pacific/Fiji'),
  },
];

describe('photos made at known places', () => {
  it.concurrent.each(CASES)('name where they were taken: $name', async ({ at, expected }) => {
    expect((await upload(await photoAt(at))).place).toEqual(expected);
  });

  it('name nothing for a GPS block of zeros, and keep the time without an offset', async () => {
    const { place, original_datetime } = await upload(await photoAt('zeroed'));
    expect(place).toEqual({ city: null, state: null, country: null, country_code: null, timezone: null });
    expect(original_datetime).toBe('2024-06-15T12:00:00Z');
  });
});

describe('capture times without an offset', () => {
  it('take the offset of the place’s zone on each side of a summer-time change', async () => {
    const london: [number, number] = [51.5074, -0.1278];
    const before = await upload(await photoAt(london, '2024:03:30 12:00:00'));
    const after = await upload(await photoAt(london, '2024:03:31 12:00:00'));
    expect(before.place.city).toBe('London');
    expect(before.original_datetime).toBe('2024-03-30T12:00:00+00:00');
    expect(after.original_datetime).toBe('2024-03-31T12:00:00+01:00');
    // local_datetime stays the camera's wall clock.
    expect([before.local, after.local]).toEqual(['2024-03-30T12:00:00Z', '2024-03-31T12:00:00Z']);
  });

  it('take offsets that are not whole hours', async () => {
    const kathmandu = await upload(await photoAt([27.7172, 85.324], '2024:05:01 09:00:00'));
    expect(kathmandu.place.city).toBe('Kathmandu');
    expect(kathmandu.original_datetime).toBe('2024-05-01T09:00:00+05:45');
    const darwin = await upload(await photoAt([-12.4634, 130.8456], '2024:05:01 09:00:00'));
    expect(darwin.place).toEqual(place('Darwin', 'Northern Territory', 'Australia', 'AU', 'Australia/Darwin'));
    expect(darwin.original_datetime).toBe('2024-05-01T09:00:00+09:30');
  });
});
