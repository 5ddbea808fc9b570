using Warden.Core.Registry;
using Warden.Core.Storage;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Storage.PostgreSql;

/// <summary>
/// Model files in the database, so that every replica loads the same bytes without a shared volume. A file is split into
/// 1 MiB chunks (rows stay small enough to stream and to replicate), written once under its SHA-256 and checked against it
/// on every load.
/// </summary>
public sealed class PostgresModelBlobStore(PostgresDatabase database) : IModelBlobStore
{
    /// <summary>Bytes per stored chunk.</summary>
    internal const int ChunkBytes = 1 << 20;

    public async Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var sha = ModelBlobStore.Sha256(bytes);
        var chunks = (bytes.Length + ChunkBytes - 1) / ChunkBytes;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The head row is inserted first: a replica storing the same file at the same moment waits on its key, then finds
        // it present and writes nothing.
        await using (var head = Command(connection, transaction,
            "INSERT INTO model_blob_heads (sha256, size_bytes, chunks) VALUES (@sha, @size, @chunks) ON CONFLICT (sha256) DO NOTHING",
            ("sha", sha), ("size", (long)bytes.Length), ("chunks", chunks)))
        {
            if (await head.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return sha;
            }
        }

        for (var i = 0; i < chunks; i++)
        {
            var offset = i * ChunkBytes;
            await using var chunk = Command(connection, transaction, "INSERT INTO model_blobs (sha256, chunk, data) VALUES (@sha, @chunk, @data)",
                ("sha", sha), ("chunk", i), ("data", bytes.AsMemory(offset, Math.Min(ChunkBytes, bytes.Length - offset)).ToArray()));
            await chunk.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return sha;
    }

    public async Task<byte[]> GetAsync(string sha, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sha);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        long size;
        await using (var head = Command(connection, "SELECT size_bytes FROM model_blob_heads WHERE sha256 = @sha", ("sha", sha)))
        {
            size = await head.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long s
                ? s
                : throw new FileNotFoundException($"model blob {sha} is not in the database");
        }

        var bytes = new byte[size];
        var written = 0;
        await using (var read = Command(connection, "SELECT data FROM model_blobs WHERE sha256 = @sha ORDER BY chunk", ("sha", sha)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var data = reader.GetFieldValue<byte[]>(0);
                if (written + data.Length > bytes.Length)
                {
                    throw new InvalidDataException($"model blob {sha} is corrupt: its chunks exceed its recorded size");
                }

                data.CopyTo(bytes, written);
                written += data.Length;
            }
        }

        if (written != bytes.Length || ModelBlobStore.Sha256(bytes) != sha)
        {
            throw new InvalidDataException($"model blob {sha} is corrupt: its content no longer matches its hash");
        }

        return bytes;
    }
}
