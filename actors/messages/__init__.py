"""The whole actor protocol in one place: every message is a small frozen dataclass.

"ask" messages expect a reply (the gateway awaits it through the bridge); "tell" messages are
notifications. Asks only ever go downward (gateway → Supervisor → Storage), never back up, so no
two actors can wait on each other.

The protocol is read in these modules, by whom the messages are for: `storage` and
`principals` (the Storage actor), `runs` (Supervisor, JobRun, PipelineRun), `schedules`, and
`operations` (Notifier, Sampler, retention, export and import). Import it as
`from actors import messages as m`.
"""

from actors.messages.channel import *  # noqa: F403
from actors.messages.operations import *  # noqa: F403
from actors.messages.principals import *  # noqa: F403
from actors.messages.runs import *  # noqa: F403
from actors.messages.schedules import *  # noqa: F403
from actors.messages.storage import *  # noqa: F403
