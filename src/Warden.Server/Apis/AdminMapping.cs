using System.Text.Json;
using Warden.Contracts.Admin;
using Warden.Core.Access;
using Warden.Core.Audit;
using Warden.Core.Predictions;
using Warden.Core.Registry;

namespace Warden.Server.Apis;

/// <summary>Maps domain records to the admin API's wire types.</summary>
internal static class AdminMapping
{
    public static ModelVersionInfo ToInfo(this ModelVersionRecord record)
    {
        var signature = VersionSignature.Parse(record.SignatureJson);
        return new ModelVersionInfo
        {
            Model = record.Model,
            Version = record.Version,
            Kind = record.Kind,
            Stage = record.Stage,
            Sha256 = record.Sha256,
            SizeBytes = record.SizeBytes,
            DeployedBy = record.DeployedBy,
            DeployedAt = record.DeployedAt,
            Inputs = signature.Inputs,
            Outputs = signature.Outputs,
            Card = ModelRegistry.ReadCard(record),
        };
    }

    public static ModelSummary ToSummary(this RegisteredModel model) => new()
    {
        Name = model.Name,
        ProductionVersion = model.ProductionVersion,
        Versions = model.Versions.Select(ToInfo).ToList(),
    };

    public static ApiKeyInfo ToInfo(this ApiKeyRecord key) => new()
    {
        Id = key.Id,
        Name = key.Name,
        Role = key.Role,
        Models = key.Models.ToList(),
        CreatedAt = key.CreatedAt,
        ExpiresAt = key.ExpiresAt,
        RevokedAt = key.RevokedAt,
        SuspendedAt = key.SuspendedAt,
        Purposes = key.Purposes.ToList(),
        DefaultPurpose = key.DefaultPurpose,
        RateLimit = key.Limits?.RateLimit,
        Burst = key.Limits?.Burst,
        DailyQuota = key.Limits?.DailyQuota,
        MonthlyQuota = key.Limits?.MonthlyQuota,
        MaxConcurrency = key.Limits?.MaxConcurrency,
    };

    public static AuditEntryInfo ToInfo(this AuditEntry entry)
    {
        using var details = JsonDocument.Parse(entry.DetailsJson);
        return new AuditEntryInfo
        {
            Sequence = entry.Sequence,
            Time = entry.Time,
            Actor = entry.Actor,
            Action = entry.Action,
            Target = entry.Target,
            Details = details.RootElement.Clone(),
            PreviousHash = entry.PreviousHash,
            Hash = entry.Hash,
        };
    }

    public static PredictionRecordInfo ToInfo(this StoredPrediction p)
    {
        using var inputs = JsonDocument.Parse(p.InputsJson);
        using var outputs = JsonDocument.Parse(p.OutputsJson);
        return new PredictionRecordInfo
        {
            Id = p.Id,
            Time = p.Time,
            Model = p.Model,
            Version = p.Version,
            KeyId = p.KeyId,
            Purpose = p.Purpose,
            Inputs = inputs.RootElement.Clone(),
            Outputs = outputs.RootElement.Clone(),
            Sensitive = p.SensitiveJson is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(p.SensitiveJson) ?? [],
            LatencyMs = p.LatencyMs,
        };
    }
}
