using Warden.Contracts.Context;

namespace Warden.Core.Explanations;

/// <summary>One background explanation; the queue's worker is the only writer after submission.</summary>
public sealed class ExplanationJob
{
    private readonly object _gate = new();
    private string _status = ExplanationJobQueue.Queued;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;
    private int? _errorStatus;
    private string? _error;
    private ExplanationResponse? _result;

    internal ExplanationJob(string id, string ownerKeyId, string model, string? version, byte[] body, DateTimeOffset submittedAt)
    {
        Id = id;
        OwnerKeyId = ownerKeyId;
        Model = model;
        Version = version;
        Body = body;
        SubmittedAt = submittedAt;
    }

    /// <summary>Job id.</summary>
    public string Id { get; }

    /// <summary>The key that submitted it; only that key (or an admin) may read it.</summary>
    public string OwnerKeyId { get; }

    /// <summary>Model to explain.</summary>
    public string Model { get; }

    /// <summary>Version asked for; the production version when null.</summary>
    public string? Version { get; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset SubmittedAt { get; }

    /// <summary>When it ended; null while queued or running.</summary>
    public DateTimeOffset? FinishedAt
    {
        get
        {
            lock (_gate)
            {
                return _finishedAt;
            }
        }
    }

    /// <summary>The inference request body, kept until the job ran.</summary>
    internal byte[] Body { get; private set; }

    /// <summary>A snapshot for the API.</summary>
    public ExplanationJobInfo ToInfo()
    {
        lock (_gate)
        {
            return new ExplanationJobInfo
            {
                Id = Id,
                Model = Model,
                Version = Version,
                Status = _status,
                SubmittedAt = SubmittedAt,
                StartedAt = _startedAt,
                FinishedAt = _finishedAt,
                ErrorStatus = _errorStatus,
                Error = _error,
                Result = _result,
            };
        }
    }

    internal void Start(DateTimeOffset now)
    {
        lock (_gate)
        {
            _status = ExplanationJobQueue.Running;
            _startedAt = now;
        }
    }

    internal void Succeed(ExplanationResponse result, DateTimeOffset now)
    {
        lock (_gate)
        {
            _status = ExplanationJobQueue.Succeeded;
            _result = result;
            _finishedAt = now;
            Body = [];
        }
    }

    internal void Fail(int status, string error, DateTimeOffset now)
    {
        lock (_gate)
        {
            _status = ExplanationJobQueue.Failed;
            _errorStatus = status;
            _error = error;
            _finishedAt = now;
            Body = [];
        }
    }
}
