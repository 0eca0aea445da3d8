"""Every table, in one registry.

Importing this package registers all tables on ``SQLModel.metadata``: Alembic and the
tests import it once. One module per concept; the rules live in the concept packages
(``forecasts.questions``, ``forecasts.resolution``, ...)."""

from forecasts.models.accounts import (
    Role,
    Team,
    User,
    UserKind,
)
from forecasts.models.briefings import (
    Briefing,
    BriefingDraft,
    DraftState,
    Publication,
    PublicationAlias,
    PublicationAuthor,
)
from forecasts.models.forms import KeptForm
from forecasts.models.integrations import (
    ApiToken,
    Webhook,
    WebhookDelivery,
)
from forecasts.models.notifications import (
    EmailLog,
    Preferences,
    ReminderPreference,
)
from forecasts.models.questions import (
    MAX_COMMENT_LENGTH,
    Comment,
    CommentKind,
    Forecast,
    Question,
    QuestionBase,
    QuestionRevision,
    QuestionTag,
    Tag,
)
from forecasts.models.resolution import (
    Action,
    Comparison,
    Outcome,
    Proposal,
    ProposalStatus,
    ResolutionEvent,
    ResolutionSource,
    SourceCheck,
    SourceKind,
)
from forecasts.models.scheduler import (
    JobRun,
    JobSchedule,
    Lease,
    RunOutcome,
)
from forecasts.models.scores import (
    HorizonCell,
    HorizonSample,
    QuestionScore,
    ScoreCell,
    ScoreSnapshot,
)

__all__ = [
    "MAX_COMMENT_LENGTH",
    "Action",
    "ApiToken",
    "Briefing",
    "BriefingDraft",
    "Comment",
    "CommentKind",
    "Comparison",
    "DraftState",
    "EmailLog",
    "Forecast",
    "HorizonCell",
    "HorizonSample",
    "JobRun",
    "JobSchedule",
    "KeptForm",
    "Lease",
    "Outcome",
    "Preferences",
    "Proposal",
    "ProposalStatus",
    "Publication",
    "PublicationAlias",
    "PublicationAuthor",
    "Question",
    "QuestionBase",
    "QuestionRevision",
    "QuestionScore",
    "QuestionTag",
    "ReminderPreference",
    "ResolutionEvent",
    "ResolutionSource",
    "Role",
    "RunOutcome",
    "ScoreCell",
    "ScoreSnapshot",
    "SourceCheck",
    "SourceKind",
    "Tag",
    "Team",
    "User",
    "UserKind",
    "Webhook",
    "WebhookDelivery",
]
