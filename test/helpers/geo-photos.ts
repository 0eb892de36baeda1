import { jpeg } from './images.ts';

/** EXIF's GPS block for a position: degrees, minutes and hundredths of seconds, and the hemispheres. */
export const gps = (latitude: number, longitude: number) => {
  const dms = (value: number) => {
    const abs = Math.abs(value);
    const degrees = Math.floor(abs);
    const minutes = Math.floor((abs - degrees) * 60);
    const seconds = Math.round(((abs - degrees) * 60 - minutes) * 60 * 100);
    return `${degrees}/1 ${minutes}/1 ${seconds}/100`;
  };
  return {
    GPSLatitudeRef: latitude < 0 ? 'S' : 'N',
    GPSLatitude: dms(latitude),
    GPSLongitudeRef: longitude < 0 ? 'W' : 'E',
    GPSLongitude: dms(longitude),
  };
};

/**
 * A photo made here, at a position (or with a GPS block of zeros), taken at a wall clock without
 * an offset; `color` makes photos of one place and time distinct uploads.
 */
export const photoAt = (position: [number, number] | 'zeroed', taken = '2024:06:15 12:00:00', color?: string) =>
  jpeg({
    ...(color && { color }),
    exif: {
      IFD2: { DateTimeOriginal: taken },
      IFD3: position === 'zeroed' ? { GPSLatitude: '0/1 0/1 0/1', GPSLongitude: '0/1 0/1 0/1' } : gps(...position),
    },
  });
