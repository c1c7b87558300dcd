/**
 * Local mode only, called before the emulator loads: cognito-local loads the
 * AWS SDK v2, which prints an end-of-support notice on load that says nothing
 * useful to someone running the local demo. (SDK v3's notice about old Node
 * versions is left alone: on a supported Node it has nothing to say.) The SDK
 * reads this switch from the environment.
 */
export function quietSdkNotices (): void {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1'
}
