using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Warden.Core.Bundles;
using Warden.Core.Onnx.Quantization;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden pack &lt;model&gt;[:version] --out bundle.wdn --sign-key key.pem [--from-dir dir] [--quantize int8|int8-weights]
/// [--encrypt-for device.pub.pem] [--expires 30d] [--channel stable] [--on-expiry stop|fallback]</c>: writes a signed edge
/// bundle; packed from the server, it carries the model's settings documents (<see cref="BundlePolicies"/>).
/// </summary>
internal static class PackCommand
{
    private static readonly JsonSerializerOptions CardJson = new(JsonSerializerDefaults.Web);

    public static Command Create(CliContext context)
    {
        var modelArg = new Argument<string>("model") { Description = "Model name, optionally with :version (default: the production version, or the directory name with --from-dir)" };
        var output = new Option<FileInfo>("--out") { Description = "Bundle file to write (.wdn)", Required = true };
        var fromDir = new Option<DirectoryInfo?>("--from-dir") { Description = "Read the model from a local version directory (model.onnx, card.json, *.csv) instead of the server" };
        var quantize = new Option<string>("--quantize") { Description = "none, int8 (dynamic: int8 weights, integer arithmetic) or int8-weights (int8 storage, float arithmetic)", DefaultValueFactory = _ => "none" };
        var signKey = new Option<FileInfo>("--sign-key") { Description = "Signing private key (PEM, from warden keygen)", Required = true };
        var encryptFor = new Option<FileInfo?>("--encrypt-for") { Description = "Encrypt the model for this device public key (PEM)" };
        var expires = new Option<string>("--expires") { Description = "Validity, e.g. 30d, 12h, 90m", DefaultValueFactory = _ => "30d" };
        var channel = new Option<string>("--channel") { Description = "Distribution channel (device group)", DefaultValueFactory = _ => "stable" };
        var onExpiry = new Option<string?>("--on-expiry") { Description = "What the device does once the bundle expires: stop (default) or fallback (forward to the server)" };
        var command = new Command("pack", "Pack a model version into a signed (optionally quantised and encrypted) edge bundle")
        {
            modelArg, output, fromDir, quantize, signKey, encryptFor, expires, channel, onExpiry,
        };
        command.SetAction(async (parse, ct) =>
        {
            var (model, version) = SplitModel(parse.GetValue(modelArg)!);
            var dir = parse.GetValue(fromDir);
            var lifetime = ParseDuration(parse.GetValue(expires)!);
            var options = QuantizationFor(parse.GetValue(quantize)!);
            using var signer = LoadKey(parse.GetValue(signKey)!, EcKeys.LoadSigningKey);
            if (!EcKeys.HasPrivateKey(signer))
            {
                throw new CliException("--sign-key must be a private key (the .pem from warden keygen, not the .pub.pem)");
            }

            using var device = parse.GetValue(encryptFor) is { } devicePem ? LoadKey(devicePem, EcKeys.LoadAgreementKey) : null;

            BundleContents contents;
            if (dir is not null)
            {
                if (!dir.Exists)
                {
                    throw new CliException($"directory '{dir.FullName}' does not exist");
                }

                version ??= dir.Name;
                contents = ModelDirectoryBundle.Read(dir.FullName, model);
            }
            else
            {
                var client = context.Client(parse);
                version ??= (await client.GetModelAsync(model, ct)).ProductionVersion
                    ?? throw new CliException($"model '{model}' has no production version; name one as {model}:<version>");
                var info = await client.GetVersionAsync(model, version, ct);
                var onnx = await client.DownloadOnnxAsync(model, version, ct);
                // The model's settings documents travel with it, so the device enforces what the server enforces.
                var policies = await client.GetEdgePoliciesAsync(model, ct);
                contents = ModelDirectoryBundle.Create(onnx, JsonSerializer.SerializeToUtf8Bytes(info.Card, CardJson), System.Text.Encoding.UTF8.GetBytes(policies));
            }

            if (parse.GetValue(onExpiry) is { } expiry)
            {
                if (expiry is not (BundlePolicies.ExpiryStop or BundlePolicies.ExpiryFallback))
                {
                    throw new CliException($"--on-expiry '{expiry}' is not {BundlePolicies.ExpiryStop} or {BundlePolicies.ExpiryFallback}");
                }

                BundlePolicies read;
                try
                {
                    read = BundlePolicies.Parse(contents.Policies);
                }
                catch (BundleVerificationException ex)
                {
                    throw new CliException(ex.Message);
                }

                read.OnExpiry = expiry;
                contents = ModelDirectoryBundle.WithPolicies(contents, read.ToJson());
            }

            string? quantization = null;
            if (options is not null)
            {
                var (quantized, report) = ModelQuantizer.Quantize(contents.Model, options);
                contents = ModelDirectoryBundle.WithModel(contents, quantized);
                quantization = $"int8 {options.Mode.ToString().ToLowerInvariant()} {options.Granularity.ToString().ToLowerInvariant()}";
                context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"quantised {report.QuantizedCount} of {report.Nodes.Count} weight nodes ({quantization}): {report.BytesBefore:N0} → {report.BytesAfter:N0} bytes"));
                foreach (var skipped in report.Nodes.Where(n => !n.Quantized))
                {
                    context.Console.WriteLine($"  left in float: {skipped.Name} ({skipped.OpType}): {skipped.Reason}");
                }
            }

            var bundle = new BundlePacker(TimeProvider.System).Pack(contents, new BundlePackOptions
            {
                Model = model,
                Version = version,
                Channel = parse.GetValue(channel)!,
                Lifetime = lifetime,
                Quantization = quantization,
                EncryptFor = device,
            }, signer);
            var file = parse.GetValue(output)!;
            Directory.CreateDirectory(file.DirectoryName!);
            await File.WriteAllBytesAsync(file.FullName, bundle, ct);
            var encrypted = device is null ? "" : ", encrypted for " + EcKeys.KeyId(device);
            context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {file.FullName} ({bundle.Length:N0} bytes): {model}:{version}, signed by {EcKeys.KeyId(signer)}{encrypted}"));
            return 0;
        });
        return command;
    }

    internal static (string Model, string? Version) SplitModel(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..] is { Length: > 0 } v ? v : null);
    }

    internal static TimeSpan ParseDuration(string text) => Core.Monitoring.TimeWindow.TryParse(text, out var span)
        ? span
        : throw new CliException($"--expires '{text}' is not a duration like 30d, 12h or 90m");

    private static QuantizationOptions? QuantizationFor(string text) => text switch
    {
        "none" => null,
        "int8" => new QuantizationOptions { Mode = QuantizationMode.Dynamic, LowerLinearRegressors = true },
        "int8-weights" => new QuantizationOptions { Mode = QuantizationMode.WeightOnly, LowerLinearRegressors = true },
        _ => throw new CliException($"--quantize '{text}' is not one of none, int8, int8-weights"),
    };

    private static T LoadKey<T>(FileInfo file, Func<string, T> load)
    {
        if (!file.Exists)
        {
            throw new CliException($"key file '{file.FullName}' does not exist");
        }

        return load(File.ReadAllText(file.FullName));
    }
}
