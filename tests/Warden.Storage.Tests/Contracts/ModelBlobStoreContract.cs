using Warden.Core.Registry;

namespace Warden.Storage.Tests.Contracts;

public abstract class ModelBlobStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_large_file_round_trips_under_its_sha256_and_is_visible_to_another_replica()
    {
        // 2.5 MiB: several chunks in the database store.
        var bytes = Bytes((5 << 20) / 2);
        var sha = await Backend.Blobs().PutAsync(bytes, Ct);
        Assert.Equal(ModelBlobStore.Sha256(bytes), sha);
        Assert.Equal(bytes, await Backend.Blobs().GetAsync(sha, Ct));
    }

    [Fact]
    public async Task Storing_the_same_bytes_twice_keeps_one_copy()
    {
        var bytes = Bytes(1000);
        var store = Backend.Blobs();
        var shas = await Task.WhenAll(store.PutAsync(bytes, Ct), Backend.Blobs().PutAsync(bytes, Ct));
        Assert.Equal(shas[0], shas[1]);
        Assert.Equal(bytes, await store.GetAsync(shas[0], Ct));
    }

    [Fact]
    public async Task A_blob_changed_behind_the_store_is_refused_on_load()
    {
        var sha = await Backend.Blobs().PutAsync(Bytes(4096), Ct);
        await Backend.CorruptBlobAsync(sha);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Backend.Blobs().GetAsync(sha, Ct));
        Assert.Contains(sha, error.Message, StringComparison.Ordinal);
    }
}
