namespace Warden.Core.Cluster;

/// <summary>An exclusive lease on a singleton job, held until disposed.</summary>
public interface IJobLease : IAsyncDisposable
{
    /// <summary>False once the lease was found lost (expired, or the lease store forgot it): stop and acquire again before running more.</summary>
    bool IsHeld { get; }
}
