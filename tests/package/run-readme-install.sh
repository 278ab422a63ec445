#!/usr/bin/env bash
# Runs the README's install commands literally, as a newcomer runs them: the lines between <!-- install:begin --> and
# <!-- install:end --> (without the ``` fences), from the root of a fresh copy of the repository (its tracked files and
# untracked files that are not ignored, so no bin/, obj/ or packages/), with an empty NuGet package folder (NuGet caches a
# version forever, so an older GenLstm 0.1.0 from an earlier run must not be used). Then checks that the final
# `genlstm inspect` printed the declaration and that MyApp builds and runs a model declared with it, with the generator
# and the runtime from the packages (and GenLstm.Keras reading a Keras .h5).
# Standalone: bash tests/package/run-readme-install.sh (run-package-test.sh also calls it at its end).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
# The SDK remembers where a local tool's package was restored in $DOTNET_CLI_HOME/.dotnet/toolResolverCache/<n>/<id>
# (default ~/.dotnet) and never updates that path (dotnet/sdk#11432, #20043): after a run with another NUGET_PACKAGES,
# `dotnet genlstm` says 'Run "dotnet tool restore"' and the restore does not help. So the entries for genlstm.tool are
# moved aside while this test runs (its fresh package must be the one that runs) and put back afterwards; the entry this
# run writes points into its deleted package folder and is removed.
resolver_cache="${DOTNET_CLI_HOME:-$HOME}/.dotnet/toolResolverCache"
cleanup() {
  find "$resolver_cache" -mindepth 2 -maxdepth 2 -name genlstm.tool -type f -delete 2>/dev/null || true
  if [ -d "$work/saved-resolver-cache" ]; then
    (cd "$work/saved-resolver-cache" && find . -type f -print0 | while IFS= read -r -d '' entry; do
       mkdir -p "$resolver_cache/$(dirname "$entry")" && mv "$entry" "$resolver_cache/$entry"; done)
  fi
  rm -rf "$work"
}
trap cleanup EXIT
if [ -d "$resolver_cache" ]; then
  (cd "$resolver_cache" && find . -mindepth 2 -maxdepth 2 -name genlstm.tool -type f -print0 | while IFS= read -r -d '' entry; do
     mkdir -p "$work/saved-resolver-cache/$(dirname "$entry")" && mv "$entry" "$work/saved-resolver-cache/$entry"; done)
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
fail() { echo "readme install test: $*" >&2; exit 1; }
trap 'echo "readme install test: unexpected failure at line $LINENO of $0" >&2' ERR
started=$SECONDS

# 1. The block: exactly one, a ```sh fence right inside the markers.
readme="$root/README.md"
[ "$(grep -c '^<!-- install:begin -->$' "$readme")" = 1 ] || fail "README.md must have exactly one line '<!-- install:begin -->'"
[ "$(grep -c '^<!-- install:end -->$' "$readme")" = 1 ] || fail "README.md must have exactly one line '<!-- install:end -->'"
sed -n '/^<!-- install:begin -->$/,/^<!-- install:end -->$/p' "$readme" | sed '1d;$d' > "$work/fenced.txt"
[ "$(head -n 1 "$work/fenced.txt")" = '```sh' ] || fail "the line after <!-- install:begin --> must be \`\`\`sh, found: $(head -n 1 "$work/fenced.txt")"
[ "$(tail -n 1 "$work/fenced.txt")" = '```' ] || fail "the line before <!-- install:end --> must be \`\`\`, found: $(tail -n 1 "$work/fenced.txt")"
sed '1d;$d' "$work/fenced.txt" > "$work/install.sh"
grep -q '```' "$work/install.sh" && fail "more than one fenced block between the install markers"

# The versions the block names must be the one the packages get (Directory.Build.props), or `dotnet add package` fails
# with a less helpful message (or, worse, finds another package of that version on nuget.org).
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$root/Directory.Build.props")
[ -n "$version" ] || fail "no <Version> in Directory.Build.props"
while read -r named; do
  [ "$named" = "$version" ] || fail "the README's install block says --version $named, Directory.Build.props says <Version>$version</Version>"
done < <(grep -o -- '--version [^ ]*' "$work/install.sh" | cut -d' ' -f2)

# 2. A fresh copy of the repository, as a clone has it (plus uncommitted, not ignored changes).
mkdir -p "$work/repo"
# (--ignore-failed-read: a tracked file deleted in the working tree is not in a fresh clone of these changes either. Not
# MyApp/ or packages/: what the block makes, left in the working tree by someone who followed the README there.)
git -C "$root" ls-files -z --cached --others --exclude-standard -- . ':(exclude)MyApp' ':(exclude)packages' \
  | tar -C "$root" --ignore-failed-read --null -T - -cf - | tar -xf - -C "$work/repo" \
  || fail "copying the repository's files to $work/repo failed"
[ -f "$work/repo/src/GenLstm/GenLstm.csproj" ] || fail "copying the repository to $work/repo failed (no src/GenLstm)"

# 3. The README's commands, verbatim, from the root of the copy.
echo "readme install test: running the README's install block ($(wc -l < "$work/install.sh") lines) in $work/repo"
log="$work/install.log"
# (PS4 is set inside: bash ignores it from the environment when run as root.)
{ printf '%s\n' "PS4='+ README: '" 'set -x'; cat "$work/install.sh"; } > "$work/traced.sh"
if ! (cd "$work/repo" && NUGET_PACKAGES="$work/nuget-packages" bash -euo pipefail "$work/traced.sh") > "$log" 2>&1; then
  echo "readme install test: the README's install block failed; the last lines of its output:" >&2
  tail -n 60 "$log" >&2
  fail "failed (the last '+ README:' line above is the command that failed)"
fi

warnings=$(grep -oE '(warning|error) [A-Z]+[0-9]+:.*' "$log" | sed 's| \[/.*\]$||' | sort -u || true)
[ -z "$warnings" ] || { echo "readme install test: the README's commands printed warnings (not a failure):"; echo "$warnings"; }

# 4. The final inspect printed the declaration for tests/GenLstm.Tests/Formats/stack.onnx.
declaration='[Lstm(inputSize: 3, hiddenSize: 12, Layers = 2)]'
last_command=$(grep -n '^+ README: ' "$log" | tail -n 1 | cut -d: -f1)
inspect=$(tail -n "+$last_command" "$log")
grep -qF "$declaration" <<<"$inspect" || { echo "$inspect" >&2; fail "the README's last command did not print $declaration (its output is above)"; }

# 5. MyApp builds and runs with that declaration: the generator and the runtime come from the package.
app="$work/repo/MyApp"
[ -f "$app/MyApp.csproj" ] || fail "the README's block did not create MyApp/MyApp.csproj"
cat > "$app/Program.cs" <<CSHARP
using GenLstm;
using GenLstm.Keras;

// stack.onnx as the README inspects it, and the same model as a Keras .h5 through GenLstm.Keras.
KerasHdf5.Register();
float[] Run(string file)
{
    var x = new float[StackModel.InputSize * 20];
    for (int k = 0; k < x.Length; k++) x[k] = MathF.Sin(0.3f * k);
    var y = new float[StackModel.OutputSize * 20];
    var state = new StackModel.State();
    StackModel.Load(Path.Combine(args[0], file)).Forward(x, ref state, y);
    return y;
}
float[] onnx = Run("stack.onnx"), keras = Run("stack_keras.h5");
bool ok = onnx.All(float.IsFinite) && onnx.Any(v => v != 0) && keras.SequenceEqual(onnx);
Console.WriteLine(\$"MyApp: StackModel({StackModel.InputSize}, {StackModel.HiddenSize}, {StackModel.Layers} layers) on stack.onnx, last output {onnx[^1]}; Keras .h5 {(keras.SequenceEqual(onnx) ? "identical" : "DIFFERENT")}");
return ok ? 0 : 1;

$declaration
[OutputHead(size: 2)]
public sealed partial class StackModel { }
CSHARP
export NUGET_PACKAGES="$work/nuget-packages"
dotnet build "$app" --nologo -v quiet > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "MyApp does not build with the README's packages"; }
warnings=$(grep -oE 'warning [A-Z]+[0-9]+:.*' "$work/build.log" | sed 's| \[/.*\]$||' | sort -u || true)
[ -z "$warnings" ] || { echo "readme install test: MyApp builds with warnings (not a failure):"; echo "$warnings"; }
dotnet run --project "$app" --no-build -- "$work/repo/tests/GenLstm.Tests/Formats" || fail "MyApp failed (its output is above)"

echo "readme install test: passed in $((SECONDS - started)) s (the README's install block, genlstm inspect, MyApp built and run)"
