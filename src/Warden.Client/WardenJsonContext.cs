using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Contracts.Admin;
using Warden.Contracts.Context;
using Warden.Contracts.Feedback;
using Warden.Contracts.Monitoring;
using Warden.Contracts.Privacy;
using Warden.Contracts.Registry;
using Warden.Contracts.V2;

namespace Warden.Client;

/// <summary>
/// Source-generated serialization metadata for every contract <see cref="WardenClient"/> sends or reads, with the HTTP API's
/// conventions (camelCase names). Generated at build time, it spares each process the reflection System.Text.Json would
/// otherwise do on first use (most of a short CLI command's start-up), and keeps the client trimming-safe.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ServerMetadata))]
[JsonSerializable(typeof(ModelMetadata))]
[JsonSerializable(typeof(InferenceRequest))]
[JsonSerializable(typeof(InferenceResponse))]
[JsonSerializable(typeof(ExplanationResponse))]
[JsonSerializable(typeof(ReviewItemInfo))]
[JsonSerializable(typeof(List<ReviewItemInfo>))]
[JsonSerializable(typeof(ReviewDecisionRequest))]
[JsonSerializable(typeof(ModelSummary))]
[JsonSerializable(typeof(List<ModelSummary>))]
[JsonSerializable(typeof(ModelVersionInfo))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(StageChangeRequest))]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(CreatedKey))]
[JsonSerializable(typeof(List<ApiKeyInfo>))]
[JsonSerializable(typeof(Page<AuditEntryInfo>))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(AuditCheckpointInfo))]
[JsonSerializable(typeof(Page<PredictionRecordInfo>))]
[JsonSerializable(typeof(FairnessAuditRequest))]
[JsonSerializable(typeof(FairnessAuditInfo))]
[JsonSerializable(typeof(List<FairnessAuditInfo>))]
[JsonSerializable(typeof(FeedbackBatch))]
[JsonSerializable(typeof(FeedbackResult))]
[JsonSerializable(typeof(RetrainRequest))]
[JsonSerializable(typeof(RetrainJobInfo))]
[JsonSerializable(typeof(List<RetrainJobInfo>))]
[JsonSerializable(typeof(RetrainJobDetail))]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(PrivacyKeysInfo))]
[JsonSerializable(typeof(ReencryptionInfo))]
[JsonSerializable(typeof(JsonElement))]
// Parameter values are typed object: these are the runtime types they take.
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
public sealed partial class WardenJsonContext : JsonSerializerContext;
