// Examples in the OpenAPI document. The document's test holds each to the schema it illustrates,
// so an example that drifts from the API fails a test rather than misleading a reader.

const asset = 'asset_7Kx2mQp9RtVw3ZbC4dEfGh';
const library = 'lib_Hq4Tz8Wn2Xc6Vb9Md3Kp5R';
const album = 'album_Ne5Rs7Tu9Vw2Xy4Za6Bc8D';
const at = '2026-11-30T09:15:00.000Z';

export const EXAMPLES = {
  asset,
  library,
  album,
  uploadRequest: {
    device_asset_id: 'IMG_0042.HEIC',
    device_id: 'ada-iphone',
    file_created_at: '2026-11-29T17:02:11Z',
    file_modified_at: '2026-11-29T17:02:11Z',
    file_name: 'IMG_0042.HEIC',
    mime_type: 'image/heic',
    file_size_bytes: 2_481_337,
    checksum: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
  },
  postTarget: {
    asset_id: asset,
    upload: {
      type: 'post',
      url: 'https://darkroom-originals.s3.eu-west-1.amazonaws.com/',
      fields: {
        key: `originals/user_Ab3Cd4Ef5Gh6Jk7Mn8Pq9R/${asset}`,
        Policy: 'eyJleHBpcmF0aW9uIjoi…',
        'X-Amz-Signature': '9f2c…',
      },
      expires_at: '2026-11-30T10:15:00.000Z',
    },
  },
  existRequest: { checksums: ['n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg='] },
  existResponse: {
    assets: [
      {
        id: asset,
        checksum: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
        checksum_sha1: 'L9ThxnotKPzthJ7hu3bnORuT6xI=',
        device_asset_id: 'IMG_0042.HEIC',
        device_id: 'ada-iphone',
      },
    ],
  },
  libraryResponse: {
    id: library,
    name: 'Family',
    description: 'Everything from the phones',
    user_id: 'user_Ab3Cd4Ef5Gh6Jk7Mn8Pq9R',
    asset_count: 1204,
    storage_used_bytes: 3_221_225_472,
    storage_limit_bytes: null,
    created_at: at,
    updated_at: at,
  },
  createAlbum: { name: 'Lisbon 2026', description: 'Five days in November', library_id: library },
  addAssets: { asset_ids: [asset] },
  counts: { data: [{ count: 214, time_bucket: '2026-11-01T00:00:00Z' }], has_more: false },
  error: { detail: 'file_size_bytes: must be at least 1 byte' },
} as const;
