// The local stack and tests run on Node 20 while Lambda runs Node 22; the SDK's warning about
// Node 20 support would otherwise open every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
