// cognito-local loads the AWS SDK v2, which prints an end-of-support notice
// on load; it says nothing useful to someone running the local demo.
// Imported first by emulator.ts so it runs before cognito-local loads.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1'
