package io.tidemark.agent.engine.inotify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatchTreeTest {
  final WatchTree tree = new WatchTree();
  final WatchTree.Dir root = tree.setRoot(1);

  @Test
  void path_nestedDirs_rootRelativeSlashSeparated() {
    WatchTree.Dir a = tree.attach(root, "a", 2);
    WatchTree.Dir b = tree.attach(a, "b", 3);
    assertThat(tree.path(root)).isEmpty();
    assertThat(tree.path(a)).isEqualTo("a");
    assertThat(tree.path(b)).isEqualTo("a/b");
    assertThat(WatchTree.child(tree.path(b), "f")).isEqualTo("a/b/f");
    assertThat(WatchTree.child("", "f")).isEqualTo("f");
  }

  @Test
  void move_subtreeRenamed_everyCachedPathUpdated() {
    WatchTree.Dir a = tree.attach(root, "a", 2);
    WatchTree.Dir b = tree.attach(a, "b", 3);
    WatchTree.Dir c = tree.attach(b, "c", 4);
    WatchTree.Dir x = tree.attach(root, "x", 5);
    assertThat(tree.path(c)).isEqualTo("a/b/c"); // cached now
    tree.move(a, x, "renamed");
    assertThat(tree.path(c)).isEqualTo("x/renamed/b/c");
    assertThat(tree.path(b)).isEqualTo("x/renamed/b");
    assertThat(root.children).containsOnlyKeys("x");
    assertThat(x.children).containsEntry("renamed", a);
  }

  @Test
  void move_overExistingDir_replacedOneDetached() {
    WatchTree.Dir src = tree.attach(root, "src", 2);
    WatchTree.Dir dst = tree.attach(root, "dst", 3);
    tree.move(src, root, "dst");
    assertThat(root.children).containsOnly(java.util.Map.entry("dst", src));
    assertThat(tree.path(dst)).isNull();
    tree.forget(3);
    assertThat(tree.get(3)).isNull();
    assertThat(root.children).containsEntry("dst", src);
  }

  @Test
  void attach_knownWdElsewhere_relinksInsteadOfDuplicating() {
    WatchTree.Dir a = tree.attach(root, "a", 2);
    WatchTree.Dir b = tree.attach(root, "b", 3);
    WatchTree.Dir again = tree.attach(b, "moved-a", 2);
    assertThat(again).isSameAs(a);
    assertThat(tree.path(a)).isEqualTo("b/moved-a");
    assertThat(tree.size()).isEqualTo(3);
  }

  @Test
  void removeSubtree_movedOut_allWdsReturnedAndForgotten() {
    WatchTree.Dir a = tree.attach(root, "a", 2);
    WatchTree.Dir b = tree.attach(a, "b", 3);
    tree.attach(b, "c", 4);
    tree.attach(root, "keep", 5);
    assertThat(tree.removeSubtree(a)).containsExactlyInAnyOrder(2, 3, 4);
    assertThat(tree.size()).isEqualTo(2);
    assertThat(root.children).containsOnlyKeys("keep");
    assertThat(tree.get(3)).isNull();
  }

  @Test
  void unlink_deletedDir_keepsItsWdUntilForgottenButHasNoPath() {
    WatchTree.Dir a = tree.attach(root, "a", 2);
    tree.unlink(root, "a");
    assertThat(root.children).isEmpty();
    assertThat(tree.get(2)).isSameAs(a);
    assertThat(tree.path(a)).as("a listing finding its wd elsewhere may link it again").isNull();
    tree.forget(2);
    assertThat(tree.get(2)).isNull();
  }

  @Test
  void attachListed_wdLinkedElsewhere_leftAlone() {
    WatchTree.Dir a = tree.attach(root, "a", 2);
    WatchTree.Dir b = tree.attach(root, "b", 3);
    assertThat(tree.attachListed(b, "x", 2)).as("the events still place it at a").isNull();
    assertThat(tree.path(a)).isEqualTo("a");
    tree.detach(a); // its MOVED_FROM came
    assertThat(tree.attachListed(b, "x", 2)).isSameAs(a);
    assertThat(tree.path(a)).isEqualTo("b/x");
  }

  @Test
  void path_deepestPossibleTree_noStackOverflow() {
    // PATH_MAX (4096) bounds real depth at ~2048 one-letter levels; each level caches its path.
    WatchTree.Dir d = root;
    for (int i = 0; i < 2048; i++) {
      d = tree.attach(d, "d", i + 2);
    }
    assertThat(tree.path(d)).hasSize(2048 * 2 - 1);
  }

  @Test
  void listed_consumedOnce() {
    root.markListed("f");
    assertThat(root.consumeListed("f")).isTrue();
    assertThat(root.consumeListed("f")).isFalse();
    assertThat(root.consumeListed("g")).isFalse();
  }
}
