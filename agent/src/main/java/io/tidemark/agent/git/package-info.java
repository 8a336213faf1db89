/**
 * Git integration: the loopback endpoint that answers git's fsmonitor hook (protocol version 2)
 * from the journal, the endpoint file through which the hook finds it, and the hook script that
 * {@code tidemark git-install} writes into a repository. The hook is a small bash script: git
 * runs it for every status, so it must never start a JVM.
 */
package io.tidemark.agent.git;
