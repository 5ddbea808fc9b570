using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Warden.Core.Events;
using Warden.Core.Storage;

namespace Warden.Core.Audit;

/// <summary>
/// Signs checkpoints of the audit chain's current head and appends each as one JSON line to
/// <c>checkpoints.jsonl</c>, opened for append only, so earlier checkpoints are never rewritten by Warden. Each checkpoint
/// is also published as an <c>audit.checkpoint</c> event, so a webhook subscribed to it hands a copy to an external witness.
/// </summary>
public sealed class AuditCheckpointer(
    IAuditStore store, IOptions<AuditCheckpointOptions> options, IOptions<WardenOptions> warden, TimeProvider time, EventPublisher? events = null)
{
    /// <summary>Event type of a signed checkpoint (for witness webhooks).</summary>
    public const string EventType = "audit.checkpoint";

    /// <summary>File name of the checkpoint log inside the checkpoint directory.</summary>
    public const string FileName = "checkpoints.jsonl";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ECDsa? _key;

    /// <summary>Full path of the checkpoint log.</summary>
    public string LogPath => Path.Combine(
        Path.GetFullPath(options.Value.CheckpointDirectory ?? Path.Combine(warden.Value.DataDir, "checkpoints")), FileName);

    /// <summary>Signs the current head and appends the checkpoint to the log.</summary>
    public async Task<AuditCheckpoint> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var head = await store.GetLastAsync(cancellationToken).ConfigureAwait(false);
            var key = _key ??= LoadKey();
            var unsigned = new AuditCheckpoint(head?.Sequence ?? 0, head?.Hash ?? AuditHasher.Genesis, time.GetUtcNow().ToUnixTimeMilliseconds(),
                AuditCheckpoint.EcdsaP256, Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), "");
            var checkpoint = unsigned with { Signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(unsigned.SignedText), HashAlgorithmName.SHA256)) };
            Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
            await using var file = new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            await file.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(checkpoint, AuditCheckpointJson.Default.AuditCheckpoint) + "\n"), cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            events?.Publish(EventType, checkpoint);
            return checkpoint;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Size of the chain's head now.</summary>
    public async Task<long> HeadSizeAsync(CancellationToken cancellationToken = default) =>
        (await store.GetLastAsync(cancellationToken).ConfigureAwait(false))?.Sequence ?? 0;

    /// <summary>The last checkpoint in this checkpointer's log, or null when there is none.</summary>
    public AuditCheckpoint? Latest() => File.Exists(LogPath) && File.ReadLines(LogPath).Any(l => !string.IsNullOrWhiteSpace(l)) ? ReadLatest(LogPath) : null;

    /// <summary>Reads the last checkpoint of a <c>checkpoints.jsonl</c> (or a file holding one checkpoint).</summary>
    public static AuditCheckpoint ReadLatest(string path)
    {
        var line = File.ReadLines(path).LastOrDefault(l => !string.IsNullOrWhiteSpace(l))
            ?? throw new InvalidDataException($"{path} holds no checkpoint");
        return JsonSerializer.Deserialize(line, AuditCheckpointJson.Default.AuditCheckpoint) ?? throw new InvalidDataException($"{path} holds no checkpoint");
    }

    private ECDsa LoadKey()
    {
        var path = options.Value.CheckpointKeyFile ?? Path.Combine(Path.GetFullPath(warden.Value.DataDir), "audit-checkpoint-key.pem");
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }

        if (options.Value.CheckpointKeyFile is not null)
        {
            throw new InvalidOperationException($"audit checkpoint key file '{path}' does not exist");
        }

        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
