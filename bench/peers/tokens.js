// The benchmark's signing key, its JWKS and the tokens every target is checked and loaded with, made with node's
// own crypto (no packages). The key is kept between runs so that a gateway configured once keeps trusting it.
// Usage: node tokens.js DIR   ->  DIR/private.pem, public.pem, jwks.json, tokens.env
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || 'work';
fs.mkdirSync(dir, { recursive: true });
const keyFile = path.join(dir, 'private.pem');
const key = fs.existsSync(keyFile)
  ? crypto.createPrivateKey(fs.readFileSync(keyFile))
  : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
fs.writeFileSync(keyFile, key.export({ type: 'pkcs8', format: 'pem' }));
const publicKey = crypto.createPublicKey(key);
fs.writeFileSync(path.join(dir, 'public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));

const kid = 'bench-1';
const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));

const issuer = process.env.ISSUER || 'http://127.0.0.1:18080';
const audience = process.env.AUDIENCE || 'drawbridge';
const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function token(claims) {
  const now = Math.floor(Date.now() / 1000);
  const signed = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part({
    iss: issuer, aud: audience, sub: 'alice', email: 'alice@example.com', iat: now, exp: now + 7200, ...claims,
  })}`;
  return `${signed}.${crypto.sign('sha256', Buffer.from(signed), key).toString('base64url')}`;
}

const good = token({ groups: ['sre'] });
const tokens = {
  TOKEN_GOOD: good,
  TOKEN_WRONG_GROUP: token({ sub: 'bob', email: 'bob@example.com', groups: ['sales'] }),
  TOKEN_EXPIRED: token({ iat: 1000, exp: 2000, groups: ['sre'] }),
  // The same token with its signature's last characters changed.
  TOKEN_TAMPERED: good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA'),
};
fs.writeFileSync(path.join(dir, 'tokens.env'),
  Object.entries(tokens).map(([name, value]) => `${name}=${value}`).join('\n') + '\n');
