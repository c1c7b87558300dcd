/**
 * Local mode only, called before the emulator loads: cognito-local loads the
 * AWS SDK v2, which prints an end-of-support notice on load, and SDK v3 prints
 * a multi-line notice about future Node versions. Neither says anything
 * useful to someone running the local demo (operators on AWS still see the v3
 * one). The SDKs read these switches from the environment.
 */
export function quietSdkNotices (): void {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1'
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
}
