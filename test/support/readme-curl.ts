import { readFileSync } from 'node:fs';

/** The JSON body of the README's quick-start `curl … POST /v1/leads` (exactly as printed there), or undefined if it moved. */
export const README_CURL_BODY = /curl -s -X POST localhost:8080\/v1\/leads [^\n]*\\\n\s*-d '(\{[^']*\})'/.exec(
  readFileSync('README.md', 'utf8'),
)?.[1];
