using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Warden.Core;
using Warden.Core.Storage;
using Warden.Server;

namespace Warden.Cli.Commands;

/// <summary><c>warden serve</c>: runs the server with the embedded store.</summary>
internal static class ServeCommand
{
    private const string DefaultHttpsUrls = "https://127.0.0.1:8443";

    public static Command Create()
    {
        // No defaults here: a flag overrides configuration only when given, so appsettings.json and Warden__… stay in force.
        var dataDir = new Option<string>("--data-dir") { Description = "Directory for the SQLite store and model files (default: Warden:DataDir, .warden)" };
        var urls = new Option<string>("--urls") { Description = $"Listening URLs (default: urls from configuration, {WardenApp.DefaultUrls})" };
        var grpcUrls = new Option<string?>("--grpc-urls")
        {
            Description = "Listening URLs of the gRPC inference service (HTTP/2); default: Warden:Grpc:Urls, else REST's host with the next port (8081 beside 8080); 'none' turns it off",
        };
        var repository = new Option<string?>("--model-repository") { Description = "Triton-style model repository to load at start (<model>/<version>/model.onnx + card.json)" };
        var noDemo = new Option<bool>("--no-demo") { Description = "Do not load the bundled demo models into an empty registry" };
        var demo = new Option<bool>("--demo") { Description = "Load the bundled demo models into an empty registry (overrides Warden:LoadDemoModels=false)" };
        var certificate = new Option<string?>("--certificate")
        {
            Description = "TLS certificate (PFX, or PEM with --certificate-key) for HTTPS; its password comes from WARDEN_CERTIFICATE_PASSWORD",
        };
        var certificateKey = new Option<string?>("--certificate-key") { Description = "PEM private key of --certificate" };
        var hsts = new Option<bool>("--hsts") { Description = "Send Strict-Transport-Security on HTTPS answers" };
        var command = new Command("serve", "Run the Warden server; other --Section:Key=value arguments override configuration")
        {
            dataDir, urls, grpcUrls, repository, noDemo, demo, certificate, certificateKey, hsts,
        };

        // Configuration overrides (e.g. --Warden:Privacy:KeyFile=…) go through to the host as `dotnet Warden.Server` takes them.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Precedence is .NET's: defaults < appsettings.json < environment < command line. The flags below are command
            // line too, placed after the pass-through overrides so an explicit flag wins over --Warden:DataDir and the like.
            var args = Overrides(parse.UnmatchedTokens);
            if (parse.GetValue(noDemo) && parse.GetValue(demo))
            {
                throw new CliException("--demo and --no-demo contradict each other; give one");
            }

            if (parse.GetValue(dataDir) is { } dir)
            {
                args.AddRange(["--Warden:DataDir", dir]);
            }

            if (parse.GetValue(urls) is { } listen)
            {
                args.AddRange(["--urls", listen]);
            }

            if (parse.GetValue(grpcUrls) is { } grpc)
            {
                args.AddRange(["--Warden:Grpc:Urls", grpc]);
            }

            if (parse.GetValue(noDemo) || parse.GetValue(demo))
            {
                args.AddRange(["--Warden:LoadDemoModels", parse.GetValue(demo) ? "true" : "false"]);
            }

            AddCertificate(args, parse.GetValue(certificate), parse.GetValue(certificateKey));
            if (parse.GetValue(hsts))
            {
                args.Add("--Warden:Https:Hsts");
                args.Add("true");
            }

            if (parse.GetValue(repository) is { } repo)
            {
                if (!Directory.Exists(repo))
                {
                    throw new CliException($"model repository '{repo}' does not exist");
                }

                args.Add("--Warden:ModelRepository");
                args.Add(Path.GetFullPath(repo));
            }

            var defaultUrls = parse.GetValue(certificate) is null ? WardenApp.DefaultUrls : DefaultHttpsUrls;
            await using var app = StartupErrors.Translate(() => WardenApp.Build([.. args], defaultUrls: defaultUrls));

            // Options validated here rather than inside StartAsync, whose failure the host logs with a stack trace first.
            StartupErrors.Translate(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
            StartupErrors.Translate(() => DataDirectory.EnsureWritable(app.Services.GetRequiredService<IOptions<WardenOptions>>().Value.DataDir));
            await StartupErrors.TranslateAsync(() => app.StartAsync(cancellationToken));
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>Unmatched tokens as configuration overrides: <c>--Key=value</c>, or <c>--Key value</c>.</summary>
    private static List<string> Overrides(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var isKey = token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2;
            var isValueOfKey = i > 0 && tokens[i - 1].StartsWith("--", StringComparison.Ordinal) && !tokens[i - 1].Contains('=', StringComparison.Ordinal)
                && !token.StartsWith("--", StringComparison.Ordinal);
            if (!isKey && !isValueOfKey)
            {
                throw new CliException($"unexpected argument '{token}' (configuration overrides look like --Section:Key=value)");
            }
        }

        return [.. tokens];
    }

    private static void AddCertificate(List<string> args, string? path, string? keyPath)
    {
        if (path is null)
        {
            if (keyPath is not null)
            {
                throw new CliException("--certificate-key needs --certificate");
            }

            return;
        }

        foreach (var file in new[] { path, keyPath })
        {
            if (file is not null && !File.Exists(file))
            {
                throw new CliException($"certificate file '{file}' does not exist");
            }
        }

        args.AddRange(["--Kestrel:Certificates:Default:Path", Path.GetFullPath(path)]);
        if (keyPath is not null)
        {
            args.AddRange(["--Kestrel:Certificates:Default:KeyPath", Path.GetFullPath(keyPath)]);
        }

        // From the environment, so the password never shows in a process listing.
        if (Environment.GetEnvironmentVariable("WARDEN_CERTIFICATE_PASSWORD") is { Length: > 0 } password)
        {
            args.AddRange(["--Kestrel:Certificates:Default:Password", password]);
        }
    }
}
