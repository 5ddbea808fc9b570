namespace Warden.Storage.Tests;

/// <summary>Base of the contract test classes: a fresh database of <typeparamref name="TBackend"/> per test.</summary>
public abstract class StoreContract<TBackend> : IAsyncLifetime
    where TBackend : StorageBackend, new()
{
    protected TBackend Backend { get; } = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static DateTimeOffset T0 { get; } = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000);

    public ValueTask InitializeAsync() => new(Backend.InitializeAsync());

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Backend.DisposeAsync();
    }
}
