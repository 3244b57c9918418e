// The scale benchmark's upstream: a short answer on any path, and 1 GiB on /big (streamed, with back-pressure).
const http = require('http');
const port = Number(process.argv[2] || 18191);
const block = Buffer.alloc(64 * 1024, 7);
http.createServer((req, res) => {
  if (req.url !== '/big') { res.end('ok\n'); return; }
  let left = 1024 * 1024 * 1024;
  res.writeHead(200, { 'Content-Length': left, 'Content-Type': 'application/octet-stream' });
  const pump = () => {
    while (left > 0) {
      const n = Math.min(block.length, left); left -= n;
      if (!res.write(n === block.length ? block : block.subarray(0, n))) { res.once('drain', pump); return; }
    }
    res.end();
  };
  pump();
}).listen(port, '127.0.0.1');
