using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Warden.Contracts.Edge;
using Warden.Core.Audit;
using Warden.Core.Bundles;
using Warden.Core.Predictions;
using Warden.Core.Storage;
using Warden.Core.Storage.Sql;
using Warden.Core.Usage;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.EdgeFleet;

/// <summary>
/// Publication of signed bundles to edge devices, per channel (device group): upload (verified against the trusted
/// signing keys before it is stored), listing, download and revocation, each change recorded in the audit chain; device
/// registration, binding each device id to its key; and telemetry intake, signed by the device and idempotent per
/// (device, epoch, sequence) so that a device may resend a batch whose acknowledgement it never received. State lives in
/// the shared database (tables <c>edge_bundles</c>, <c>edge_devices</c>, <c>edge_telemetry</c>) and bundle bytes in the
/// content-addressed blob store, so every replica serves the same fleet.
/// </summary>
public sealed class EdgeFleetService : IDisposable
{
    private readonly SqlDatabase _database;
    private readonly IModelBlobStore _blobs;
    private readonly string? _legacyBundles;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly SqlPredictionStore? _predictions;
    private readonly UsageMeter? _usage;
    private readonly TrustedKeys _trusted = new();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="database">The shared database.</param>
    /// <param name="blobs">Where bundle bytes are kept (the model file store).</param>
    /// <param name="options">Trusted signing keys.</param>
    /// <param name="audit">Where publication and registration are recorded.</param>
    /// <param name="time">Clock.</param>
    /// <param name="predictions">The server's prediction log, which receives the predictions devices report; null: telemetry only.</param>
    /// <param name="usage">The server's usage counts, which count the predictions devices report.</param>
    /// <param name="dataDir">
    /// The data directory of a single-node server, whose <c>edge/bundles</c> may hold bundles published before they moved
    /// into the blob store; they are read from there (and moved over) on first download. Null on replicas.
    /// </param>
    public EdgeFleetService(
        SqlDatabase database, IModelBlobStore blobs, IOptions<EdgeFleetOptions> options, AuditLog audit, TimeProvider time,
        SqlPredictionStore? predictions = null, UsageMeter? usage = null, string? dataDir = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _blobs = blobs;
        _legacyBundles = dataDir is null ? null : Path.Combine(dataDir, "edge", "bundles");
        _predictions = predictions;
        _usage = usage;
        _audit = audit;
        _time = time;
        foreach (var file in options.Value.TrustedKeyFiles)
        {
            _trusted.AddPem(File.ReadAllText(file));
        }
    }

    /// <summary>Trusts another signing key (in addition to the configured files); returns its key id.</summary>
    public string Trust(string publicKeyPem) => _trusted.AddPem(publicKeyPem);

    /// <summary>Verifies and stores a bundle in the channel its signed manifest names.</summary>
    public async Task<EdgeBundleInfo> UploadAsync(byte[] bundle, string actor, CancellationToken cancellationToken = default)
    {
        if (_trusted.KeyIds.Count == 0)
        {
            throw new WardenException(409, "no trusted bundle signing keys are configured (Warden:Edge:TrustedKeyFiles)");
        }

        var revocations = await RevocationsAsync(cancellationToken).ConfigureAwait(false);
        VerifiedBundle verified;
        try
        {
            verified = new BundleVerifier(_trusted, _time).Verify(bundle, revocations, decrypt: false);
        }
        catch (BundleVerificationException ex)
        {
            throw WardenException.BadRequest($"bundle refused ({ex.Failure}): {ex.Message}");
        }

        var manifest = verified.Manifest;
        if (!BundleNames.IsValidReferenceName(manifest.BundleId) || !BundleNames.IsValidReferenceName(manifest.Channel))
        {
            throw WardenException.BadRequest("bundle id and channel must be letters, digits, '.', '_' or '-'");
        }

        var info = new EdgeBundleInfo
        {
            BundleId = manifest.BundleId,
            Model = manifest.Model,
            Version = manifest.Version,
            Channel = manifest.Channel,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bundle)),
            SizeBytes = bundle.LongLength,
            SignerKeyId = verified.SignerKeyId,
            Encrypted = manifest.Encryption is not null,
            CreatedAt = manifest.CreatedAt,
            ExpiresAt = manifest.ExpiresAt,
            UploadedBy = actor,
            UploadedAt = _time.GetUtcNow(),
        };

        // The bytes go in first (content-addressed, so a refused duplicate leaves nothing but a shared blob); the row's
        // primary key then decides between two replicas publishing the same id at once.
        await _blobs.PutAsync(bundle, cancellationToken).ConfigureAwait(false);
        await using (var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var insert = Command(connection, """
            INSERT INTO edge_bundles (bundle_id, model, version, channel, sha256, size_bytes, signer, encrypted, created_at, expires_at, uploaded_by, uploaded_at)
            VALUES (@id, @model, @version, @channel, @sha, @size, @signer, @encrypted, @created, @expires, @by, @at) ON CONFLICT (bundle_id) DO NOTHING
            """,
            ("id", info.BundleId), ("model", info.Model), ("version", info.Version), ("channel", info.Channel), ("sha", info.Sha256),
            ("size", info.SizeBytes), ("signer", info.SignerKeyId), ("encrypted", info.Encrypted ? 1 : 0), ("created", ToMs(info.CreatedAt)),
            ("expires", ToMs(info.ExpiresAt)), ("by", actor), ("at", ToMs(info.UploadedAt))))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw WardenException.Conflict($"bundle {info.BundleId} is already published");
            }
        }

        await _audit.AppendAsync(actor, "edge.bundle.upload", $"{info.Channel}/{info.BundleId}",
            new { model = info.Model, version = info.Version, sha256 = info.Sha256, signer = info.SignerKeyId, encrypted = info.Encrypted, expires_at = info.ExpiresAt }, cancellationToken).ConfigureAwait(false);
        return info;
    }

    /// <summary>Bundles, newest first; only one channel's when <paramref name="channel"/> is set.</summary>
    public async Task<IReadOnlyList<EdgeBundleInfo>> ListAsync(string? channel = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"SELECT {BundleColumns} FROM edge_bundles WHERE CAST(@channel AS TEXT) IS NULL OR channel = @channel ORDER BY uploaded_at DESC, bundle_id",
            ("channel", channel));
        return await ReadAllAsync(command, ReadInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One bundle's record, or null.</summary>
    public async Task<EdgeBundleInfo?> FindAsync(string bundleId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {BundleColumns} FROM edge_bundles WHERE bundle_id = @id", ("id", bundleId));
        return (await ReadAllAsync(command, ReadInfo, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <summary>The .wdn bytes of a bundle.</summary>
    public async Task<byte[]> ReadAsync(string bundleId, CancellationToken cancellationToken = default)
    {
        var info = await FindAsync(bundleId, cancellationToken).ConfigureAwait(false) ?? throw WardenException.NotFound($"bundle {bundleId} is not found");
        byte[] bytes;
        try
        {
            bytes = await _blobs.GetAsync(info.Sha256, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when ((ex is FileNotFoundException or KeyNotFoundException or InvalidDataException) && LegacyPath(info.BundleId) is { } legacy)
        {
            // Published before bundles moved into the blob store: move it over, then serve it.
            bytes = await File.ReadAllBytesAsync(legacy, cancellationToken).ConfigureAwait(false);
            if (Convert.ToHexStringLower(SHA256.HashData(bytes)) == info.Sha256)
            {
                await _blobs.PutAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
        }

        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != info.Sha256)
        {
            throw new WardenException(500, $"bundle {bundleId} is corrupt on the server");
        }

        return bytes;
    }

    /// <summary>Revokes a bundle: devices stop serving it at their next sync.</summary>
    public async Task<EdgeBundleInfo> RevokeAsync(string bundleId, string actor, string? reason, CancellationToken cancellationToken = default)
    {
        var info = await FindAsync(bundleId, cancellationToken).ConfigureAwait(false) ?? throw WardenException.NotFound($"bundle {bundleId} is not found");
        if (info.RevokedAt is not null)
        {
            return info;
        }

        await using (var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var update = Command(connection, "UPDATE edge_bundles SET revoked_at = @at WHERE bundle_id = @id AND revoked_at IS NULL",
            ("at", ToMs(_time.GetUtcNow())), ("id", bundleId)))
        {
            // Two replicas revoking at once: only the one that changed the row records it.
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                await _audit.AppendAsync(actor, "edge.bundle.revoke", $"{info.Channel}/{bundleId}", new { model = info.Model, version = info.Version, reason }, cancellationToken).ConfigureAwait(false);
            }
        }

        return (await FindAsync(bundleId, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The revocation list devices apply.</summary>
    public async Task<BundleRevocations> RevocationsAsync(CancellationToken cancellationToken = default) => new()
    {
        Bundles = (await ListAsync(null, cancellationToken).ConfigureAwait(false)).Where(b => b.RevokedAt is not null).Select(b => b.BundleId).ToHashSet(StringComparer.Ordinal),
    };

    /// <summary>
    /// Records (or refreshes) a device. The body must be signed with the private part of the public key it carries, and
    /// the first registration binds the device id to that key: another key registering the same id is refused (409), so
    /// nobody can take over a device's telemetry by registering it first with a key of their own. Audited the first time
    /// and when the channel changes.
    /// </summary>
    public async Task RegisterAsync(DeviceRegistration registration, ReadOnlyMemory<byte> body, string? signature, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!BundleNames.IsValidReferenceName(registration.DeviceId) || !BundleNames.IsValidReferenceName(registration.Channel))
        {
            throw WardenException.BadRequest("device id and channel must be 1-100 letters, digits, '.', '_' or '-'");
        }

        if (string.IsNullOrWhiteSpace(registration.PublicKey))
        {
            throw WardenException.BadRequest("registration needs the device's P-256 public key (publicKey, PEM) and a signature of the body with it (header " + DeviceSignature.Header + ")");
        }

        string keyId;
        try
        {
            using var key = EcKeys.LoadSigningKey(registration.PublicKey);
            keyId = EcKeys.KeyId(key);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw WardenException.BadRequest($"publicKey is not a P-256 public key in PEM: {ex.Message}");
        }

        if (!DeviceSignature.Verify(registration.PublicKey, body.Span, signature))
        {
            throw new WardenException(403, $"the registration is not signed with the key it carries ({keyId}); sign the body with the device key (header {DeviceSignature.Header})");
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Registrations of one device id are serialised (across replicas too), so that the first key to arrive binds it.
        await LockNameAsync(_database, connection, transaction, "edge-device:" + registration.DeviceId, cancellationToken).ConfigureAwait(false);
        var existing = await FindDeviceAsync(connection, transaction, registration.DeviceId, cancellationToken).ConfigureAwait(false);
        if (existing is { KeyId: { } boundKey, PublicKey: not null } && boundKey != keyId)
        {
            throw WardenException.Conflict($"device '{registration.DeviceId}' is bound to another device key ({boundKey}); a device id cannot be registered with a second key");
        }

        await using (var upsert = Command(connection, transaction, """
            INSERT INTO edge_devices (device_id, channel, key_id, registered_by, last_seen, public_key) VALUES (@id, @channel, @key, @by, @at, @pem)
            ON CONFLICT (device_id) DO UPDATE SET channel = excluded.channel, key_id = excluded.key_id, public_key = excluded.public_key, last_seen = excluded.last_seen
            """,
            ("id", registration.DeviceId), ("channel", registration.Channel), ("key", keyId), ("by", actor), ("at", ToMs(_time.GetUtcNow())), ("pem", registration.PublicKey)))
        {
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (existing is null || existing.Value.Channel != registration.Channel || existing.Value.PublicKey is null)
        {
            await _audit.AppendAsync(actor, "edge.device.register", registration.DeviceId, new { channel = registration.Channel, key_id = keyId }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Where the age of arriving telemetry is recorded (set by the host; null records nothing).</summary>
    public Warden.Core.Telemetry.WardenMetrics? Metrics { get; init; }

    /// <summary>
    /// Stores telemetry records not seen before; a (device, epoch, sequence) already stored counts as a duplicate. The body
    /// must be signed by the key the device was registered with (403 otherwise, and for devices never registered).
    /// Prediction records new to the server also go to its prediction log (and usage counts), marked with the device
    /// (<see cref="TelemetryPredictions"/>), before the telemetry commits: a failed log write stores nothing, and the
    /// device sends the batch again.
    /// </summary>
    public async Task<TelemetryAck> AcceptTelemetryAsync(ReadOnlyMemory<byte> body, string? signature, CancellationToken cancellationToken = default)
    {
        TelemetryBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<TelemetryBatch>(body.Span, Json);
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest($"telemetry is not a valid batch: {ex.Message}");
        }

        if (batch is null || string.IsNullOrEmpty(batch.DeviceId))
        {
            throw WardenException.BadRequest("telemetry without a device id");
        }

        var epoch = batch.Epoch ?? "";
        if (epoch.Length > 64 || epoch.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            throw WardenException.BadRequest("epoch must be at most 64 letters, digits or '-'");
        }

        if (batch.Records is null)
        {
            throw WardenException.BadRequest("telemetry without records (send \"records\": [] for none)");
        }

        for (var i = 0; i < batch.Records.Count; i++)
        {
            if (batch.Records[i] is not { Kind: not null })
            {
                throw WardenException.BadRequest($"records[{i}] is null or has no kind");
            }
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var device = await FindDeviceAsync(connection, null, batch.DeviceId, cancellationToken).ConfigureAwait(false);
        if (device is not { PublicKey: { } publicKey })
        {
            throw new WardenException(403, $"device '{batch.DeviceId}' is not registered with a device key; register it (POST /edge/devices) before sending telemetry");
        }

        if (!DeviceSignature.Verify(publicKey, body.Span, signature))
        {
            throw new WardenException(403, $"telemetry for device '{batch.DeviceId}' must be signed with its device key ({device.Value.KeyId}) in header {DeviceSignature.Header}");
        }

        // One transaction holds the new telemetry rows and the predictions they carry: a batch is stored whole or not at
        // all, and a resend of it (the device never saw the acknowledgement) finds every record already there. Batches of
        // one device are serialised across replicas, so two copies of a batch in flight at once cannot both log it.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockNameAsync(_database, connection, transaction, "edge-telemetry:" + batch.DeviceId, cancellationToken).ConfigureAwait(false);
        await using var insert = Command(connection, transaction, """
            INSERT INTO edge_telemetry (device_id, epoch, seq, time, kind, data, received_at) VALUES (@device, @epoch, @seq, @time, @kind, @data, @received)
            ON CONFLICT (device_id, epoch, seq) DO NOTHING
            """,
            ("device", batch.DeviceId), ("epoch", epoch), ("seq", 0L), ("time", 0L), ("kind", ""), ("data", null), ("received", ToMs(_time.GetUtcNow())));
        var ack = new TelemetryAck();
        var predictions = new List<StoredPrediction>();
        foreach (var record in batch.Records)
        {
            insert.Parameters["@seq"].Value = record.Sequence;
            insert.Parameters["@time"].Value = ToMs(record.Time);
            insert.Parameters["@kind"].Value = record.Kind;
            insert.Parameters["@data"].Value = record.Data is { } d ? d.GetRawText() : DBNull.Value;
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                Metrics?.RecordEdgeTelemetryLag((_time.GetUtcNow() - record.Time).TotalSeconds);
                ack.Accepted++;
                if (TelemetryPredictions.Read(batch.DeviceId, record) is { } prediction)
                {
                    predictions.Add(prediction);
                }
            }
            else
            {
                ack.Duplicates++;
            }
        }

        if (predictions.Count > 0 && _predictions is not null)
        {
            try
            {
                await _predictions.WriteBatchAsync(predictions, connection, transaction, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                throw new WardenException(503, $"the prediction log could not take the device's predictions ({ex.Message}); send the batch again");
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var prediction in predictions)
        {
            _usage?.Request(prediction.KeyId, prediction.Model, prediction.Purpose);
        }

        return ack;
    }

    /// <summary>A device's telemetry in arrival order (sequence order within an epoch).</summary>
    public async Task<IReadOnlyList<TelemetryRecord>> TelemetryAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "SELECT seq, time, kind, data, epoch FROM edge_telemetry WHERE device_id = @device ORDER BY received_at, epoch, seq", ("device", deviceId));
        return await ReadAllAsync(command, reader => new TelemetryRecord
        {
            Sequence = reader.GetInt64(0),
            Time = FromMs(reader.GetInt64(1)),
            Kind = reader.GetString(2),
            Data = reader.IsDBNull(3) ? null : JsonDocument.Parse(reader.GetString(3)).RootElement.Clone(),
            Epoch = reader.GetString(4),
        }, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _trusted.Dispose();

    private const string BundleColumns =
        "bundle_id, model, version, channel, sha256, size_bytes, signer, encrypted, created_at, expires_at, uploaded_by, uploaded_at, revoked_at";

    private string? LegacyPath(string bundleId) =>
        _legacyBundles is not null && Path.Combine(_legacyBundles, bundleId + ".wdn") is var path && File.Exists(path) ? path : null;

    private static async Task<(string Channel, string? KeyId, string? PublicKey)?> FindDeviceAsync(
        DbConnection connection, DbTransaction? transaction, string deviceId, CancellationToken cancellationToken)
    {
        await using var select = Command(connection, transaction, "SELECT channel, key_id, public_key FROM edge_devices WHERE device_id = @id", ("id", deviceId));
        var rows = await ReadAllAsync(select, r => (r.GetString(0), ReadNullableString(r, 1), ReadNullableString(r, 2)), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static EdgeBundleInfo ReadInfo(DbDataReader r) => new()
    {
        BundleId = r.GetString(0),
        Model = r.GetString(1),
        Version = r.GetString(2),
        Channel = r.GetString(3),
        Sha256 = r.GetString(4),
        SizeBytes = r.GetInt64(5),
        SignerKeyId = r.GetString(6),
        Encrypted = ToInt64(r.GetValue(7)) == 1,
        CreatedAt = FromMs(r.GetInt64(8)),
        ExpiresAt = FromMs(r.GetInt64(9)),
        UploadedBy = r.GetString(10),
        UploadedAt = FromMs(r.GetInt64(11)),
        RevokedAt = ReadNullableTime(r, 12),
    };
}
