// Runs s3rver (npm, pinned in the Makefile) on 127.0.0.1 on a free port for the `verify` tests:
// an S3 emulator whose preflight handling follows S3's algorithm, unlike moto's. Prints the port
// on the first line once listening, and exits when its stdin closes (the test process ended).
// Credentials it accepts: S3RVER / S3RVER.
const fs = require("fs");
const os = require("os");
const path = require("path");
const S3rver = require(path.join(__dirname, "..", ".s3rver", "node_modules", "s3rver"));

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-"));
// Any credentials are accepted: cors-sync under test signs with its own test credentials.
const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, allowMismatchedSignatures: true });
server.run().then(({ port }) => {
  process.stdout.write(`${port}\n`);
});
process.stdin.on("end", () => {
  fs.rmSync(directory, { recursive: true, force: true });
  process.exit(0);
});
process.stdin.resume();
