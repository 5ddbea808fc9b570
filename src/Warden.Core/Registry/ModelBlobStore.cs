using System.Security.Cryptography;
using Warden.Core.Storage;

namespace Warden.Core.Registry;

/// <summary>
/// Content-addressed storage of model files: <c>blobs/&lt;sha256&gt;.onnx</c>. A blob is written once (to a temporary file,
/// then renamed) and never modified, so a deployed version's bytes cannot change under it. The single-node default; replicas
/// share blobs through the database store instead.
/// </summary>
public sealed class ModelBlobStore : IModelBlobStore
{
    private readonly string _root;

    public ModelBlobStore(string dataDir)
    {
        _root = Path.Combine(dataDir, "blobs");
        Directory.CreateDirectory(_root);
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Stores bytes under their hash and returns it.</summary>
    public async Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        var sha = Sha256(bytes);
        var path = PathOf(sha);
        if (!File.Exists(path))
        {
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }

        return sha;
    }

    /// <summary>Reads a blob and checks it still has the hash it is stored under.</summary>
    public async Task<byte[]> GetAsync(string sha, CancellationToken cancellationToken = default)
    {
        var bytes = await File.ReadAllBytesAsync(PathOf(sha), cancellationToken).ConfigureAwait(false);
        if (Sha256(bytes) != sha)
        {
            throw new InvalidDataException($"model blob {sha} is corrupt: its content no longer matches its hash");
        }

        return bytes;
    }

    private string PathOf(string sha) =>
        sha.Length == 64 && sha.All(Uri.IsHexDigit) ? Path.Combine(_root, sha + ".onnx") : throw new ArgumentException("not a SHA-256", nameof(sha));
}
