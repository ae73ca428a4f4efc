'use strict';
// Replaces iconv-lite/encodings/index.js in the bundles (webpack.config.js): the same merge of
// codec families, without utf7, utf16 and utf32, which no site name encoding uses.
const families = [
  require('iconv-lite/encodings/internal'),
  require('iconv-lite/encodings/sbcs-codec'),
  require('iconv-lite/encodings/sbcs-data'),
  require('iconv-lite/encodings/sbcs-data-generated'),
  require('iconv-lite/encodings/dbcs-codec'),
  require('iconv-lite/encodings/dbcs-data'),
];
for (const family of families) Object.assign(module.exports, family);
