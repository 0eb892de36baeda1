/** An error the gate answers the way S3 would: its status, S3's error code, a message. */
export interface S3Error {
  status: number;
  code: string;
  message: string;
}

export const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** S3's XML error body. */
export const errorXml = ({ code, message }: S3Error): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${Date.now().toString(16)}</RequestId></Error>`;

export const unknownAccessKey: S3Error = {
  status: 403,
  code: 'InvalidAccessKeyId',
  message: 'The AWS Access Key Id you provided does not exist in our records.',
};

export const signatureMismatch: S3Error = {
  status: 403,
  code: 'SignatureDoesNotMatch',
  message: 'The request signature we calculated does not match the signature you provided.',
};
