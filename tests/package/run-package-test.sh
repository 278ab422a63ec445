#!/usr/bin/env bash
# Packs src/GenLstm, src/GenLstm.Keras and the genlstm tool as a user gets them and builds a separate consumer project
# against the .nupkg files, exactly as a user would: a unique version in a private package folder (NuGet caches a version
# forever). The consumer loads PyTorch's weights for nn.LSTM(5, 24) (at run time and baked in at compile time with
# [LstmWeights]) and must match PyTorch's outputs, and reads a Keras .h5 through GenLstm.Keras; the tool, installed from
# its package, must inspect an ONNX file. Then run-readme-install.sh runs the README's install block as written.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version="0.1.0-test.$(date +%s).$$"

for project in GenLstm GenLstm.Keras GenLstm.Tool; do
  dotnet pack "$root/src/$project" -c Release -p:Version="$version" -o "$work/feed" --nologo -v quiet
done
package="$work/feed/GenLstm.$version.nupkg"

# The package holds the runtime library and the generator in the places NuGet and the compiler look.
contents=$(unzip -Z1 "$package")
for entry in lib/net10.0/GenLstm.dll lib/net10.0/GenLstm.xml analyzers/dotnet/cs/GenLstm.Generators.dll README.md; do
  grep -qx "$entry" <<<"$contents" || { echo "package test: $entry missing from $package" >&2; exit 1; }
done
if grep -q "^lib/.*GenLstm.Generators.dll" <<<"$contents"; then
  echo "package test: the generator must not be a runtime dependency (found under lib/)" >&2; exit 1
fi

keras=$(unzip -Z1 "$work/feed/GenLstm.Keras.$version.nupkg")
grep -qx "lib/net10.0/GenLstm.Keras.dll" <<<"$keras" || { echo "package test: GenLstm.Keras.dll missing from the Keras package" >&2; exit 1; }
if grep -q "PureHDF" <<<"$contents"; then
  echo "package test: the core package must not depend on PureHDF (it is not AOT-clean)" >&2; exit 1
fi
unzip -p "$package" GenLstm.nuspec | grep -q PureHDF && { echo "package test: the core package must not depend on PureHDF" >&2; exit 1; }

cp -r "$root/tests/package/Consumer" "$work/consumer"
cp "$root/tests/GenLstm.Tests/Golden/lstm_5x24.safetensors" "$work/consumer/model.safetensors"
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
  -- "$root/tests/GenLstm.Tests/Golden/lstm_5x24.safetensors" "$root/tests/GenLstm.Tests/Formats"

# The tool, installed from its package as a user installs it.
NUGET_PACKAGES="$work/packages" dotnet tool install GenLstm.Tool --version "$version" --tool-path "$work/tools" \
  --configfile "$work/consumer/nuget.config" >/dev/null
"$work/tools/genlstm" --help >/dev/null
inspect=$("$work/tools/genlstm" inspect "$root/tests/GenLstm.Tests/Formats/stack.onnx")
grep -q "\[Lstm(inputSize: 3, hiddenSize: 12, Layers = 2)\]" <<<"$inspect" || { echo "package test: genlstm inspect printed:" >&2; echo "$inspect" >&2; exit 1; }
set +e; "$work/tools/genlstm" inspect "$root/README.md" 2>/dev/null; code=$?; set -e
[ "$code" = 2 ] || { echo "package test: genlstm inspect on a non-weight file exited $code, expected 2" >&2; exit 1; }

# The README's install commands, run literally in a fresh copy of the repository.
bash "$root/tests/package/run-readme-install.sh"
echo "package test: passed ($package, GenLstm.Keras, genlstm, the README's install block)"
