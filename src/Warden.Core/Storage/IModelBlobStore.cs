namespace Warden.Core.Storage;

/// <summary>Content-addressed, immutable storage of model files, shared by every server that loads them.</summary>
public interface IModelBlobStore
{
    /// <summary>Stores bytes under their lower-case hex SHA-256 and returns it (storing the same bytes twice is a no-op).</summary>
    Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default);

    /// <summary>Reads a blob and checks it still has the hash it is stored under (<see cref="InvalidDataException"/> when not).</summary>
    Task<byte[]> GetAsync(string sha, CancellationToken cancellationToken = default);
}
