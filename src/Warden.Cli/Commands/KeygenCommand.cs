using System.CommandLine;
using Spectre.Console;
using Warden.Core.Bundles;

namespace Warden.Cli.Commands;

/// <summary><c>warden keygen --out key.pem</c>: a P-256 key pair for signing bundles or for a device.</summary>
internal static class KeygenCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<FileInfo>("--out") { Description = "Private key file (PKCS#8 PEM); the public key is written beside it as <name>.pub.pem", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files" };
        var command = new Command("keygen", "Create a P-256 key pair for signing bundles or for an edge device") { output, force };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(output)!;
            var publicPath = PublicPathFor(file.FullName);
            if (!parse.GetValue(force) && (file.Exists || File.Exists(publicPath)))
            {
                throw new CliException($"{file.FullName} or {publicPath} already exists; pass --force to overwrite");
            }

            using var key = EcKeys.Generate();
            Directory.CreateDirectory(file.DirectoryName!);
            File.WriteAllText(file.FullName, EcKeys.PrivatePem(key));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.WriteAllText(publicPath, EcKeys.PublicPem(key));
            context.Console.WriteLine($"key id {EcKeys.KeyId(key)}");
            context.Console.WriteLine($"private key: {file.FullName} (keep secret)");
            context.Console.WriteLine($"public key:  {publicPath}");
            return 0;
        });
        return command;
    }

    /// <summary><c>dir/key.pem</c> → <c>dir/key.pub.pem</c>.</summary>
    public static string PublicPathFor(string privatePath) =>
        Path.Combine(Path.GetDirectoryName(privatePath) ?? ".", Path.GetFileNameWithoutExtension(privatePath) + ".pub.pem");
}
