using System.CommandLine;
using Spectre.Console;
using Warden.Edge;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden edge --server URL --device-key device.pem --trust signer.pub.pem --data-dir dir [--channel stable]
/// [--listen http://127.0.0.1:8090] [--local-keys keys.json] [--log-format text|json]</c>: runs the offline-first edge agent until Ctrl+C.
/// </summary>
internal static class EdgeCommand
{
    public static Command Create(CliContext context)
    {
        var server = new Option<string>("--server") { Description = "Warden server to sync with and fall back to", Required = true };
        var deviceKey = new Option<FileInfo>("--device-key") { Description = "This device's private key (PEM, from warden keygen)", Required = true };
        var trust = new Option<FileInfo[]>("--trust") { Description = "Public key(s) of trusted bundle signers (PEM)", Required = true, AllowMultipleArgumentsPerToken = true };
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Where bundles, the prediction log and buffered telemetry are kept", Required = true };
        var channel = new Option<string>("--channel") { Description = "Channel (device group) to pull bundles from", DefaultValueFactory = _ => "stable" };
        var listen = new Option<string>("--listen") { Description = "Local address to serve the V2 endpoints on", DefaultValueFactory = _ => "http://127.0.0.1:8090" };
        var interval = new Option<int>("--sync-seconds") { Description = "Seconds between syncs and telemetry uploads", DefaultValueFactory = _ => 30 };
        var deviceId = new Option<string?>("--device-id") { Description = "Device id (default: derived from the device key id)" };
        var logFormat = new Option<string>("--log-format") { Description = "Log lines as text or json", DefaultValueFactory = _ => "text" };
        var localKeys = new Option<FileInfo?>("--local-keys") { Description = "JSON file of keys local callers must present (required to listen beyond loopback)" };
        var command = new Command("edge", "Run the edge agent: pull signed bundles, serve them locally, fall back to the server")
        {
            server, deviceKey, trust, dataDir, channel, listen, interval, deviceId, localKeys, logFormat,
        };
        command.SetAction(async (parse, ct) =>
        {
            var key = CommonOptions.KeyOf(parse) ?? throw new CliException("no API key for the server: pass --key or set WARDEN_API_KEY");
            var url = parse.GetValue(server)!;
            if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var serverUri))
            {
                throw new CliException($"'{url}' is not a valid server URL");
            }

            var keyFile = parse.GetValue(deviceKey)!;
            var trusted = parse.GetValue(trust)!;
            foreach (var file in trusted.Append(keyFile).Where(f => !f.Exists))
            {
                throw new CliException($"key file '{file.FullName}' does not exist");
            }

            if (parse.GetValue(logFormat) is not ("text" or "json"))
            {
                throw new CliException($"--log-format '{parse.GetValue(logFormat)}' is not text or json");
            }

            using var logging = EdgeLogging.Create(parse.GetValue(logFormat)!);
            IReadOnlyList<Core.Access.ApiKeyRecord> keys;
            try
            {
                keys = parse.GetValue(localKeys) is { } keysFile ? EdgeLocalKeys.Read(keysFile.FullName) : [];
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                throw new CliException(ex.Message);
            }

            await using var agent = new EdgeAgent(new EdgeAgentOptions
            {
                Server = serverUri,
                ApiKey = key,
                DeviceKeyPem = await File.ReadAllTextAsync(keyFile.FullName, ct),
                TrustedSignerPems = trusted.Select(f => File.ReadAllText(f.FullName)).ToList(),
                DataDir = parse.GetValue(dataDir)!.FullName,
                Channel = parse.GetValue(channel)!,
                Listen = parse.GetValue(listen)!,
                SyncInterval = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(interval))),
                DeviceId = parse.GetValue(deviceId),
                LocalKeys = keys,
            }, logger: logging.CreateLogger("Warden.Edge"));
            try
            {
                await agent.StartAsync(background: true, ct);
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ex.Message);
            }

            context.Console.WriteLine($"edge agent {agent.DeviceId} serving on {agent.Address} (channel {parse.GetValue(channel)}); Ctrl+C to stop");
            // The agent's web host takes over SIGTERM for its own graceful stop, so the command listens for the signals
            // itself; otherwise `kill` would stop the listener and leave the process waiting forever.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: dispose the agent, which stops the loop and the listener.
            }

            return 0;
        });
        return command;
    }
}
