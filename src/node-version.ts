/**
 * Imported first by the entry point, so it runs before anything that an older
 * Node could load half-way: the service needs Node 22 or later (22 and 24 are
 * the maintained LTS lines; 24 is the one shipped and tested). One line and
 * exit 1, as for every other start-up refusal.
 */
export const REQUIRED_NODE_MAJOR = 22

const major = Number(process.versions.node.split('.')[0])
if (!(major >= REQUIRED_NODE_MAJOR)) {
  process.stderr.write(`cognito-bff: Node.js ${REQUIRED_NODE_MAJOR} or later is required (24 recommended); this is Node.js ${process.version}.\n`)
  process.exit(1)
}
