using Warden.Core.Inference;

namespace Warden.Core.Registry;

/// <summary>A loaded model version held for the duration of one request; disposing releases it.</summary>
public readonly struct ModelLease : IDisposable
{
    internal ModelLease(LoadedModel model, ModelVersionRecord record)
    {
        Model = model;
        Record = record;
    }

    /// <summary>The session to run.</summary>
    public LoadedModel Model { get; }

    /// <summary>The version's registry record.</summary>
    public ModelVersionRecord Record { get; }

    public void Dispose() => Model?.Release();
}
