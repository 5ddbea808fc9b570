using System.CommandLine;
using System.Security.Cryptography;
using Spectre.Console;
using Warden.Core.Bundles;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden bundle verify FILE --trust signer.pub.pem [--device-key device.pem] [--revocations revocations.json]</c>:
/// the checks a device makes, offline, with the reason of a refusal (exit code 5).
/// </summary>
internal static class BundleCommand
{
    /// <summary>Exit code of a refused bundle.</summary>
    public const int Refused = 5;

    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "The bundle (.wdn)" };
        var trust = new Option<FileInfo[]>("--trust") { Description = "Public key(s) of trusted signers (PEM)", Required = true, AllowMultipleArgumentsPerToken = true };
        var deviceKey = new Option<FileInfo?>("--device-key") { Description = "The device's private key, to open a model encrypted for it" };
        var revocations = new Option<FileInfo?>("--revocations") { Description = "Revocation list (JSON from GET /edge/revocations)" };
        var verify = new Command("verify", "Verify a bundle offline as a device would: signer, signature, parts, expiry, revocations, device")
        {
            file, trust, deviceKey, revocations,
        };
        verify.SetAction(parse =>
        {
            var bundle = parse.GetValue(file)!;
            var files = parse.GetValue(trust)!.Append(bundle);
            if (parse.GetValue(deviceKey) is { } key)
            {
                files = files.Append(key);
            }

            if (parse.GetValue(revocations) is { } list)
            {
                files = files.Append(list);
            }

            foreach (var missing in files.Where(f => !f.Exists))
            {
                throw new CliException($"file '{missing.FullName}' does not exist");
            }

            using var trusted = new TrustedKeys();
            foreach (var pem in parse.GetValue(trust)!)
            {
                trusted.AddPem(File.ReadAllText(pem.FullName));
            }

            using var device = parse.GetValue(deviceKey) is { } devicePem ? EcKeys.LoadAgreementKey(File.ReadAllText(devicePem.FullName)) : null;
            var revoked = parse.GetValue(revocations) is { } revocationFile ? BundleRevocations.Parse(File.ReadAllText(revocationFile.FullName)) : null;
            try
            {
                var verified = new BundleVerifier(trusted, TimeProvider.System).Verify(File.ReadAllBytes(bundle.FullName), revoked, device);
                var manifest = verified.Manifest;
                context.Console.WriteLine($"ok: {manifest.Model}:{manifest.Version}, bundle {manifest.BundleId}, channel {manifest.Channel}, signed by {verified.SignerKeyId}");
                context.Console.WriteLine($"valid until {manifest.ExpiresAt:O} (on expiry: {verified.Policies.OnExpiry})"
                    + (manifest.Encryption is { } e ? $", encrypted for {e.RecipientKeyId}" : ", not encrypted"));
                context.Console.WriteLine("settings: " + (verified.Policies.Settings.Count == 0 ? "none" : string.Join(", ", verified.Policies.Settings.Keys.Order(StringComparer.Ordinal))));
                return 0;
            }
            catch (BundleVerificationException ex)
            {
                context.Error.WriteLine($"refused ({ex.Failure}): {ex.Message}");
                return Refused;
            }
            catch (CryptographicException ex)
            {
                context.Error.WriteLine($"refused (DecryptionFailed): {ex.Message}");
                return Refused;
            }
        });
        return new Command("bundle", "Work with edge bundles offline") { verify };
    }
}
