// Opens N keep-alive connections to the gateway, makes one request on each, then holds them all open and idle.
// Writes "<N> connections open, <k> answered 200" to READY_FILE when done.  node idle.js PORT N TOKEN READY_FILE
const net = require('net'), fs = require('fs');
const [port, total, token, ready] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4], process.argv[5]];
const request = `GET /app/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`;
let opened = 0, answered = 0, ok = 0, inFlight = 0;
const sockets = [];
function next() {
  while (opened < total && inFlight < 200) {
    opened++; inFlight++;
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let seen = false;
    s.on('data', (d) => {
      if (seen) return;
      seen = true; inFlight--; answered++;
      if (d.toString('latin1').startsWith('HTTP/1.1 200')) ok++;
      if (answered === total) fs.writeFileSync(ready, `${sockets.length} connections open, ${ok} answered 200\n`);
      next();
    });
    s.on('error', () => {});
    sockets.push(s);
  }
}
next();
setInterval(() => {}, 1 << 30);
