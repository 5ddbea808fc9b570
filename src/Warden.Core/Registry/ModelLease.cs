using Warden.Core.Inference;

namespace Warden.Core.Registry;

/// <summary>A loaded model version held for the duration of one request; disposing releases it.</summary>
public readonly struct ModelLease : IDisposable
{
    /// <summary>Wraps a session the caller has already acquired (<see cref="LoadedModel.TryAcquire"/>); disposing releases it.</summary>
    public ModelLease(LoadedModel model, ModelVersionRecord record)
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
