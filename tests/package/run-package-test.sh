#!/usr/bin/env bash
# Packs src/GenLstm as a user gets it and builds a separate consumer project against the .nupkg, exactly as a user
# would: a unique version in a private package folder (NuGet caches a version forever), then runs the consumer,
# which loads PyTorch's weights for nn.LSTM(5, 24) and must match PyTorch's outputs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version="0.1.0-test.$(date +%s).$$"

dotnet pack "$root/src/GenLstm" -c Release -p:Version="$version" -o "$work/feed" --nologo -v quiet
package="$work/feed/GenLstm.$version.nupkg"

# The package holds the runtime library and the generator in the places NuGet and the compiler look.
contents=$(unzip -Z1 "$package")
for entry in lib/net10.0/GenLstm.dll lib/net10.0/GenLstm.xml analyzers/dotnet/cs/GenLstm.Generators.dll README.md; do
  grep -qx "$entry" <<<"$contents" || { echo "package test: $entry missing from $package" >&2; exit 1; }
done
if grep -q "^lib/.*GenLstm.Generators.dll" <<<"$contents"; then
  echo "package test: the generator must not be a runtime dependency (found under lib/)" >&2; exit 1
fi

cp -r "$root/tests/package/Consumer" "$work/consumer"
cat > "$work/consumer/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
CONFIG
# Keep the consumer outside the repository's Directory.Build.props, as a user's project would be.
NUGET_PACKAGES="$work/packages" dotnet run --project "$work/consumer" -c Release -p:GenLstmVersion="$version" \
  -- "$root/tests/GenLstm.Tests/Golden/lstm_5x24.safetensors"
echo "package test: passed ($package)"
