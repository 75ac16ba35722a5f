# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module that answers a saved configuration as config and does nothing else, for the benchmark.

It sends no request and converts nothing, so a task of it costs what ansible-playbook and a
module process cost for a result of that size: the floor of any module that returns it.
"""

import json

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(dict(path=dict(type="path", required=True)))
    with open(module.params["path"]) as source:
        config = json.load(source)
    module.exit_json(changed=False, config=config)


if __name__ == "__main__":
    main()
