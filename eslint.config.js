import neostandard from 'neostandard'

export default neostandard({
  ts: true,
  ignores: ['node_modules', '.local', '.tap', 'coverage', 'openapi', 'scratch', 'dist']
})
